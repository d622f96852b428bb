"""The `analyze monolith --json` document (schema: vsmctl/schemas/analysis.schema.json)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from vsmctl.analysis.cycles import Cycle
from vsmctl.analysis.model import ImportSite, ModuleGraph, edge_kind
from vsmctl.analysis.report import AnalysisReport
from vsmctl.roadmap.model import Roadmap
from vsmctl.roadmap.patterns import Assignment

SCHEMA_ID = "https://vsmctl.dev/schemas/analysis-v1.json"


def site_dict(graph: ModuleGraph, site: ImportSite) -> dict[str, Any]:
    return {
        "file": graph.display_path(graph.modules[site.importer].path),
        "line": site.line,
        "importer": site.importer,
        "imported": site.imported,
        "kind": site.kind,
        "text": site.text,
    }


def _summary(report: AnalysisReport, module_edges: int) -> dict[str, Any]:
    graph = report.graph
    return {
        "modules": len(graph.modules),
        "import_statements": len(graph.imports),
        "module_edges": module_edges,
        "kinds": report.kind_counts(),
        "problems": len(graph.problems),
        "cycles": len(report.cycles),
        "violations": len(report.violations),
        "unassigned": len(report.assignment.unassigned) if report.assignment else None,
    }


def _graph_part(report: AnalysisReport) -> dict[str, Any]:
    """What holds with or without a roadmap: the modules, their edges and cycles."""
    graph = report.graph
    edges = graph.edges()
    return {
        "$schema": SCHEMA_ID,
        "version": 1,
        "path": graph.root,
        "language": graph.language,
        "roadmap": str(report.roadmap.path) if report.roadmap and report.roadmap.path else None,
        "engine": graph.engine,
        "cached": report.cached,
        "summary": _summary(report, len(edges)),
        "problems": [{**asdict(p), "path": graph.display_path(p.path)} for p in graph.problems],
        "components": [asdict(c) for c in report.components],
        # vars() rather than asdict(): a flat copy, several times faster on thousands of modules
        "modules": [{**vars(m), "path": graph.display_path(m.path)} for m in report.modules],
        "module_edges": [
            {"importer": a, "imported": b, "imports": len(sites), "kind": edge_kind(sites)}
            for (a, b), sites in sorted(edges.items())
        ],
        "cycles": [_cycle(report, c) for c in report.cycles],
    }


def _no_roadmap_part() -> dict[str, Any]:
    return {"assignment": None, "packages": [], "package_edges": [], "violations": [], "package_cycles": [],
            "cycle_breakers": None, "monolith_imports": {}}


def _roadmap_part(report: AnalysisReport, roadmap: Roadmap, assignment: Assignment) -> dict[str, Any]:
    graph = report.graph
    members: dict[str, list[str]] = {p.name: [] for p in roadmap.packages}
    for module, pkg in sorted(assignment.package_of.items()):
        members[pkg].append(module)
    categories = {p.name: p.category for p in roadmap.packages}
    return {
        "assignment": {
            "packages": members,
            "unassigned": list(assignment.unassigned),
            "ambiguous": {m: list(t) for m, t in assignment.ambiguous.items()},
        },
        "packages": [{**asdict(p), "category": categories[p.name]} for p in report.packages],
        "package_edges": [
            {"source": e.source, "target": e.target, "kind": e.kind, "imports": e.weight,
             "declared": e.declared, "sites": [site_dict(graph, s) for s in e.sites]}
            for e in report.package_edges
        ],
        "violations": [
            {"source": v.source, "target": v.target, "rule": v.rule, "message": v.message,
             "sites": [site_dict(graph, s) for s in v.sites]}
            for v in report.violations
        ],
        "package_cycles": [_cycle(report, c) for c in report.package_cycles],
        "cycle_breakers": _breakers(report),
        "monolith_imports": {
            pkg: [site_dict(graph, s) for s in sites] for pkg, sites in report.monolith_imports.items()
        },
    }


def _breakers(report: AnalysisReport) -> dict[str, Any] | None:
    if report.breakers is None:
        return None
    weights = {(e.source, e.target): e for e in report.package_edges}
    return {
        "exact": report.breakers.exact,
        "edges": [
            {"source": a, "target": b, "imports": weights[(a, b)].weight,
             "sites": [site_dict(report.graph, s) for s in weights[(a, b)].sites]}
            for a, b in report.breakers.edges
        ],
    }


def report_to_dict(report: AnalysisReport) -> dict[str, Any]:
    doc = _graph_part(report)
    if report.roadmap is None or report.assignment is None:
        doc.update(_no_roadmap_part())
    else:
        doc.update(_roadmap_part(report, report.roadmap, report.assignment))
    doc["warnings"] = list(report.warnings)
    return doc


def _cycle(report: AnalysisReport, cycle: Cycle) -> dict[str, Any]:
    return {"members": list(cycle.members), "example": list(cycle.example),
            "compile_time": cycle.members in report.compile_time_cycles}
