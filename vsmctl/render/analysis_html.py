"""A self-contained HTML page of an analysis: an inline SVG graph and the report's tables.

No scripts, fonts or styles from the network: the page opens from disk, offline.
"""

from __future__ import annotations

from html import escape

from vsmctl.analysis.report import AnalysisReport
from vsmctl.render.graph_view import BREAKER, COLOUR, OK, VIOLATION, GraphView, graph_view

BOX_W, BOX_H, GAP_X, GAP_Y, PAD = 170, 44, 30, 90, 30
# Presentation attributes rather than CSS classes: the SVG looks the same copied out of the page.
FONT = 'font-family="Helvetica, Arial, sans-serif"'
NODE = 'fill="#eef5ff" stroke="#4a78b5"'
NAME = f'{FONT} font-size="12" font-weight="600" text-anchor="middle"'
META = f'{FONT} font-size="10" fill="#555" text-anchor="middle"'
LAYER = f'{FONT} font-size="12" font-style="italic" fill="#777"'
EDGE_LOOK = {
    OK: f'stroke="{COLOUR[OK]}" stroke-width="1.3"',
    VIOLATION: f'stroke="{COLOUR[VIOLATION]}" stroke-width="2"',
    BREAKER: f'stroke="{COLOUR[BREAKER]}" stroke-width="3.5"',
}
DASHED = ' stroke-dasharray="4 3"'


def _svg(view: GraphView) -> str:
    rows = list(reversed(view.layers))  # highest layer on top
    by_layer = {layer: [n for n in view.nodes if n.layer == layer] for layer in rows}
    widest = max((len(v) for v in by_layer.values()), default=1)
    width = PAD * 2 + 120 + widest * (BOX_W + GAP_X)
    height = PAD * 2 + len(rows) * BOX_H + max(len(rows) - 1, 0) * GAP_Y
    pos: dict[str, tuple[float, float]] = {}
    parts = []
    for r, layer in enumerate(rows):
        y = PAD + r * (BOX_H + GAP_Y)
        parts.append(f'<text x="{PAD}" y="{y + BOX_H / 2 + 4}" {LAYER}>{escape(layer)}</text>')
        for c, node in enumerate(by_layer[layer]):
            x = PAD + 120 + c * (BOX_W + GAP_X)
            pos[node.name] = (x, y)
            parts.append(
                f'<g><title>{escape(node.name)}: {node.modules} modules, {node.lines} lines, '
                f'instability {node.instability}</title>'
                f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="8" {NODE}/>'
                f'<text x="{x + BOX_W / 2}" y="{y + 18}" {NAME}>{escape(node.name)}</text>'
                f'<text x="{x + BOX_W / 2}" y="{y + 34}" {META}>{node.modules} modules · '
                f'I={node.instability}</text></g>'
            )
    edges = []
    for e in view.edges:
        if e.source not in pos or e.target not in pos:
            continue
        (x1, y1), (x2, y2) = pos[e.source], pos[e.target]
        sx, tx = x1 + BOX_W / 2, x2 + BOX_W / 2
        # between rows: from the facing edges; within a row: over the top, in an arc
        sy = y1 + (BOX_H if y2 > y1 else 0)
        ty = y2 + (0 if y2 > y1 else BOX_H if y2 < y1 else 0)
        bend = 0 if y1 != y2 else 30 + abs(tx - sx) / 8
        mx, my = (sx + tx) / 2, (sy + ty) / 2 - bend
        look = EDGE_LOOK.get(e.status, EDGE_LOOK[OK]) + (DASHED if e.typing else "")
        marker = f"arrow-{e.status}"
        edges.append(
            f'<path d="M{sx},{sy} Q{mx},{my} {tx},{ty}" fill="none" {look} marker-end="url(#{marker})">'
            f"<title>{escape(e.source)} → {escape(e.target)}: {e.imports} imports ({e.status}"
            f"{', TYPE_CHECKING only' if e.typing else ''})</title></path>"
        )
    defs = "<defs>" + "".join(
        f'<marker id="arrow-{status}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        f'orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
        for status, colour in COLOUR.items()
    ) + "</defs>"
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}">{defs}{"".join(edges)}{"".join(parts)}</svg>')


def _legend() -> str:
    """The legend draws each look with the same attributes as the graph."""
    samples = [(EDGE_LOOK[OK], "allowed"), (EDGE_LOOK[VIOLATION], "breaks the roadmap"),
               (EDGE_LOOK[BREAKER], "cycle breaker (one of the fewest edges to cut)"),
               (EDGE_LOOK[OK] + DASHED, "TYPE_CHECKING only")]
    items = "".join(
        f'<span class="item"><svg width="34" height="10"><line x1="2" y1="5" x2="32" y2="5" {look}/></svg>'
        f"{escape(label)}</span>" for look, label in samples)
    return f'<p class="legend">{items}</p>'


def _table(headers: list[str], rows: list[list[object]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def to_html(report: AnalysisReport) -> str:
    view = graph_view(report)
    graph = report.graph
    sections = [
        f"<h1>vsmctl analysis — {escape(graph.root)}</h1>",
        f"<p>{len(graph.modules)} modules, {len(graph.imports)} import statements, "
        f"{len(report.cycles)} import cycles, {len(report.violations)} roadmap violations.</p>",
        f"<h2>{escape(view.title)}</h2>",
        _legend(),
        _svg(view),
        "<h2>Top-level packages</h2>",
        _table(["package", "modules", "lines", "fan-in", "fan-out", "instability"],
               [[c.name, c.modules, c.lines, c.fan_in, c.fan_out, c.instability] for c in report.components]),
        "<h2>Import cycles</h2>",
        _table(["size", "cycle"], [[len(c.members), " → ".join(c.example)] for c in report.cycles])
        if report.cycles else "<p>None.</p>",
    ]
    if report.roadmap is not None:
        sections += [
            "<h2>Roadmap violations</h2>",
            _table(["from", "to", "rule", "where"],
                   [[v.source, v.target, v.rule,
                     "; ".join(f"{graph.display_path(graph.modules[s.importer].path)}:{s.line}" for s in v.sites)]
                    for v in report.violations]) if report.violations else "<p>None.</p>",
        ]
        if report.breakers and report.breakers.edges:
            sections += [
                "<h2>Smallest set of package edges to remove or invert</h2>",
                _table(["from", "to"], [list(e) for e in report.breakers.edges]),
            ]
        if report.assignment and report.assignment.unassigned:
            sections += ["<h2>Modules no roadmap pattern claims</h2>",
                         _table(["module"], [[m] for m in report.assignment.unassigned])]
    style = """
body{font-family:system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}
th{background:#f3f3f3}.node{fill:#eef5ff;stroke:#4a78b5}.name{font:600 12px sans-serif;text-anchor:middle}
.meta{font:10px sans-serif;fill:#555;text-anchor:middle}.layer{font:italic 12px sans-serif;fill:#777}
.edge{fill:none;stroke:#888;stroke-width:1.3}.edge.bad{stroke:#d62728;stroke-width:2}
.edge.breaker{stroke-width:3.5}.edge.typing{stroke-dasharray:4 3}
.legend .item{margin-right:1.2em}.legend svg{vertical-align:middle;margin-right:4px}
"""
    return ("<!doctype html><html><head><meta charset=\"utf-8\"><title>vsmctl analysis</title>"
            f"<style>{style}</style></head><body>{''.join(sections)}</body></html>\n")
