"""The interactive graph page: one self-contained HTML file (data, layout library, script inline).

The page draws packages layered by dagre (vendored: assets/dagre/), with zoom and pan, search,
filters and toggles, a click on an edge listing its import sites, and a double click on a
package drilling into its modules. Everything the page shows comes from `page_data`, plain
JSON; the script never builds markup from it (text only), so names cannot inject anything.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from html import escape
from importlib import resources
from pathlib import Path
from typing import Any

from vsmctl.analysis.model import KIND_ORDER, TYPE_CHECKING, ImportSite, ModuleGraph, edge_kind
from vsmctl.analysis.report import AnalysisReport
from vsmctl.propose.proposal import Proposal
from vsmctl.render.graph_view import BREAKER, COLOUR, OK, VIOLATION, GraphView, graph_view
from vsmctl.render.page_style import page_css

_ASSETS = "assets"


def _asset(*parts: str) -> str:
    node = resources.files("vsmctl.render").joinpath(_ASSETS, *parts)
    return node.read_text(encoding="utf-8")


def _site(graph: ModuleGraph, site: ImportSite) -> list[Any]:
    # a row, not an object: thousands of sites stay a small page
    return [graph.display_path(graph.modules[site.importer].path), site.line, site.text, site.kind,
            site.importer, site.imported]


def _kinds(sites: Iterable[ImportSite]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for s in sites:
        counts[s.kind] = counts.get(s.kind, 0) + 1
    return {k: counts[k] for k in KIND_ORDER if k in counts}


def _group_of(report: AnalysisReport) -> Callable[[str], str | None]:
    if report.roadmap is not None and report.assignment is not None and report.packages:
        return report.assignment.package_of.get
    from vsmctl.analysis.metrics import component_of_factory

    return component_of_factory(report.graph)


def _package_edges(report: AnalysisReport, view: GraphView, group_of: Callable[[str], str | None],
                   cyclic: set[tuple[str, str]]) -> list[dict[str, Any]]:
    graph = report.graph
    violating = {(v.source, v.target) for v in report.violations}
    sites: dict[tuple[str, str], list[ImportSite]] = {}
    for site in graph.imports:
        a, b = group_of(site.importer), group_of(site.imported)
        if a is not None and b is not None and a != b:
            sites.setdefault((a, b), []).append(site)
    return [
        {"source": e.source, "target": e.target, "imports": e.imports, "status": e.status, "typing": e.typing,
         "kind": edge_kind(sites[(e.source, e.target)]), "kinds": _kinds(sites[(e.source, e.target)]),
         "cyclic": (e.source, e.target) in cyclic,
         "violation": e.status == VIOLATION or (e.source, e.target) in violating,
         "sites": [_site(graph, s) for s in sites[(e.source, e.target)]]}
        for e in view.edges if (e.source, e.target) in sites
    ]


def _cyclic_edges(report: AnalysisReport, view: GraphView) -> set[tuple[str, str]]:
    cycles = report.package_cycles if report.roadmap is not None and report.packages else ()
    member_of = {m: i for i, c in enumerate(cycles) for m in c.members}
    out = set()
    for e in view.edges:
        same = e.source in member_of and member_of.get(e.source) == member_of.get(e.target)
        if (same or (not cycles and e.status == VIOLATION)) and not e.typing:
            out.add((e.source, e.target))
    return out


def _module_part_of(graph: ModuleGraph, group_of: Callable[[str], str | None]) -> dict[str, Any]:
    modules = [{"name": m, "package": group_of(m), "path": graph.display_path(info.path), "lines": info.lines}
               for m, info in graph.modules.items()]
    edges = [{"source": a, "target": b, "kind": edge_kind(sites), "imports": len(sites),
              "sites": [_site(graph, s) for s in sites]}
             for (a, b), sites in sorted(graph.edges().items())]
    return {"modules": modules, "module_edges": edges}


def page_data(report: AnalysisReport) -> dict[str, Any]:
    """Everything the page draws, as plain JSON."""
    view = graph_view(report)
    group_of = _group_of(report)
    cyclic = _cyclic_edges(report, view)
    graph = report.graph
    return {
        "title": view.title,
        # as every path vsmctl shows: relative to the repository root
        "root": graph.display_path("").rstrip("/") or Path(graph.root).name,
        "layers": list(view.layers),
        "packages": [{"name": n.name, "layer": n.layer, "modules": n.modules, "lines": n.lines,
                      "instability": n.instability} for n in view.nodes],
        "edges": _package_edges(report, view, group_of, cyclic),
        "breakers": [list(e) for e in (report.breakers.edges if report.breakers else ())],
        "summary": {"modules": len(graph.modules), "imports": len(graph.imports), "cycles": len(report.cycles),
                    "violations": len(report.violations)},
        "colours": dict(COLOUR),
        "statuses": [OK, VIOLATION, BREAKER],
        "type_checking": TYPE_CHECKING,
        **_module_part_of(graph, group_of),
    }


def _json_for_script(data: dict[str, Any]) -> str:
    # Inside <script type="application/json">: "</script>" or "<!--" in a name must not end or
    # comment out the element, so "<", ">" and "&" are written as JSON escapes.
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _script(code: str) -> str:
    # the vendored file ends with a source-map comment: a viewer opening developer tools would
    # try to fetch the map, and the page promises nothing outside itself
    lines = [line for line in code.splitlines() if not line.startswith("//# sourceMappingURL=")]
    return "\n".join(lines).replace("</script", "<\\/script")


def to_page(data: dict[str, Any], extra_html: str = "") -> str:
    """The page for `data` (from `page_data`), with `extra_html` (tables) under the graph."""
    title = f"vsmctl — {data['title']}"
    return (
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{escape(title)}</title><style>{page_css()}</style></head><body>"
        f"{_asset('graph_page.html')}"
        f"<section id=\"tables\">{extra_html}</section>"
        f"<script type=\"application/json\" id=\"vsm-data\">{_json_for_script(data)}</script>"
        f"<script>{_script(_asset('dagre', 'dagre.min.js'))}</script>"
        f"<script>{_script(_asset('graph_page.js'))}</script>"
        "</body></html>\n"
    )


def _proposal_edges(proposal: Proposal, graph: ModuleGraph) -> list[dict[str, Any]]:
    partition = proposal.partition
    sites: dict[tuple[str, str], list[ImportSite]] = {}
    for site in graph.imports:
        a, b = partition.get(site.importer), partition.get(site.imported)
        if a is not None and b is not None and a != b:
            sites.setdefault((a, b), []).append(site)
    breaking = set(proposal.breakers.edges)
    inverted = {(i.source, i.target) for i in proposal.inversions}
    member_of = {m: i for i, c in enumerate(proposal.cycles) for m in c.members}
    edges = []
    for (a, b), found in sorted(sites.items()):
        status = BREAKER if (a, b) in breaking else VIOLATION if (a, b) in inverted else OK
        kind = edge_kind(found)
        edges.append({"source": a, "target": b, "imports": len(found), "status": status,
                      "typing": kind == TYPE_CHECKING, "kind": kind, "kinds": _kinds(found),
                      "cyclic": a in member_of and member_of.get(a) == member_of.get(b) and kind != TYPE_CHECKING,
                      "violation": (a, b) in inverted, "sites": [_site(graph, s) for s in found]})
    return edges


def proposal_page_data(proposal: Proposal, graph: ModuleGraph) -> dict[str, Any]:
    """The same page for `--propose`: proposed packages, layered by extraction wave."""
    partition = proposal.partition
    wave = {p: f"wave {i}" for i, w in enumerate(proposal.order, start=1) for p in w.packages}
    packages = [{"name": p.name, "layer": wave.get(p.name, "unplaced"), "modules": len(p.members), "lines": p.lines,
                 "instability": round(p.coupling_out / (p.coupling_in + p.coupling_out), 3)
                 if p.coupling_in + p.coupling_out else 0.0} for p in proposal.packages]
    layers = [f"wave {i}" for i in range(1, len(proposal.order) + 1)]
    return {
        "title": f"proposed packages ({proposal.mode}): extraction waves",
        "root": graph.display_path("").rstrip("/") or Path(graph.root).name,
        "layers": layers + (["unplaced"] if any(p["layer"] == "unplaced" for p in packages) else []),
        "packages": packages,
        "edges": _proposal_edges(proposal, graph),
        "breakers": [list(e) for e in proposal.breakers.edges],
        "summary": {"modules": len(graph.modules), "imports": len(graph.imports), "cycles": len(proposal.cycles),
                    "violations": len(proposal.inversions)},
        "colours": dict(COLOUR),
        "statuses": [OK, VIOLATION, BREAKER],
        "type_checking": TYPE_CHECKING,
        **_module_part_of(graph, partition.get),
    }
