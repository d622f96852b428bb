"""`analyze monolith --format html`: the interactive graph page, with the report's tables under it.

Self-contained: data, layout library and script are inline, so the page opens from disk, offline.
"""

from __future__ import annotations

from html import escape

from vsmctl.analysis.report import AnalysisReport
from vsmctl.render.graph_page import page_data, to_page


def _table(headers: list[str], rows: list[list[object]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _tables(report: AnalysisReport) -> str:
    graph = report.graph
    sections = [
        "<h2>Top-level packages</h2>",
        _table(["package", "modules", "lines", "fan-in", "fan-out", "instability"],
               [[c.name, c.modules, c.lines, c.fan_in, c.fan_out, c.instability] for c in report.components]),
        "<h2>Import cycles</h2>",
        _table(["size", "cycle"], [[len(c.members), " → ".join(c.example)] for c in report.cycles])
        if report.cycles else "<p>None.</p>",
    ]
    if report.roadmap is None:
        return "".join(sections)
    sections += [
        "<h2>Roadmap violations</h2>",
        _table(["from", "to", "rule", "where"],
               [[v.source, v.target, v.rule,
                 "; ".join(f"{graph.display_path(graph.modules[s.importer].path)}:{s.line}" for s in v.sites)]
                for v in report.violations]) if report.violations else "<p>None.</p>",
    ]
    if report.breakers and report.breakers.edges:
        sections += ["<h2>Smallest set of package edges to remove or invert</h2>",
                     _table(["from", "to"], [list(e) for e in report.breakers.edges])]
    if report.assignment and report.assignment.unassigned:
        sections += ["<h2>Modules no roadmap pattern claims</h2>",
                     _table(["module"], [[m] for m in report.assignment.unassigned])]
    return "".join(sections)


def to_html(report: AnalysisReport) -> str:
    return to_page(page_data(report), _tables(report))
