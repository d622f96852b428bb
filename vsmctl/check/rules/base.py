"""What a rule is and what it finds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from vsmctl.analysis.model import ImportSite, ModuleGraph
from vsmctl.analysis.report import AnalysisReport
from vsmctl.roadmap.model import Roadmap


@dataclass(frozen=True)
class CheckContext:
    graph: ModuleGraph
    roadmap: Roadmap
    report: AnalysisReport  # the analysis with the roadmap: assignment, package edges, cycles


@dataclass(frozen=True)
class Finding:
    rule: str
    key: str  # stable across edits (no line numbers): what the baseline records
    message: str
    fix: str
    path: str | None = None  # relative to the analyzed folder
    line: int | None = None
    site: ImportSite | None = None


def finding_at(ctx: CheckContext, site: ImportSite, *, rule: str, key: str, message: str, fix: str) -> Finding:
    """A finding that points at an import site: the importing module's file and the line."""
    return Finding(rule=rule, key=key, message=message, fix=fix, path=ctx.graph.modules[site.importer].path,
                   line=site.line, site=site)


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    description: str
    check: Callable[[CheckContext], list[Finding]]
    baseline: bool = True  # False: its findings always fail; a baseline never records them
