"""The graph a picture shows: roadmap packages when there is a roadmap, else top-level packages."""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from vsmctl.analysis.model import TYPE_CHECKING
from vsmctl.analysis.report import AnalysisReport
from vsmctl.roadmap.model import Roadmap

OK, VIOLATION, BREAKER = "ok", "violation", "breaker"
# one look per status, the same in every format (and in the legends that show them)
RED, ORANGE, GREY = "#d62728", "#ff7f0e", "#888888"
COLOUR = {OK: GREY, VIOLATION: RED, BREAKER: ORANGE}


@dataclass(frozen=True)
class Node:
    name: str
    layer: str
    modules: int
    lines: int
    instability: float


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    imports: int
    status: str  # ok | violation (breaks the roadmap) | breaker (one of the fewest edges to cut for a DAG)
    typing: bool = False  # TYPE_CHECKING-only: drawn dashed, whatever its status


@dataclass(frozen=True)
class GraphView:
    title: str
    layers: tuple[str, ...]  # lowest first
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]


def graph_view(report: AnalysisReport) -> GraphView:
    if report.roadmap is not None and report.packages:
        return _roadmap_view(report, report.roadmap)
    return _component_view(report)


def _edge_status(key: tuple[str, str], violating: set[tuple[str, str]], breaking: set[tuple[str, str]]) -> str:
    if key in breaking:
        return BREAKER
    return VIOLATION if key in violating else OK


def _roadmap_view(report: AnalysisReport, roadmap: Roadmap) -> GraphView:
    category = {p.name: p.category for p in roadmap.packages}
    nodes = tuple(Node(p.name, category[p.name], p.modules, p.lines, p.instability) for p in report.packages)
    violating = {(v.source, v.target) for v in report.violations}
    breaking = set(report.breakers.edges) if report.breakers else set()
    edges = tuple(Edge(e.source, e.target, e.weight, _edge_status((e.source, e.target), violating, breaking),
                       e.kind == TYPE_CHECKING)
                  for e in report.package_edges)
    layers = tuple(c for c in roadmap.categories if any(n.layer == c for n in nodes))
    return GraphView(f"{roadmap.name}: package dependencies", layers, nodes, edges)


def _component_view(report: AnalysisReport) -> GraphView:
    """No roadmap: top-level packages, layered by their depth in the condensed dependency graph."""
    from vsmctl.analysis.metrics import component_of_factory

    component_of = component_of_factory(report.graph)
    counts: dict[tuple[str, str], int] = {}
    runtime: set[tuple[str, str]] = set()
    for site in report.graph.imports:
        a, b = component_of(site.importer), component_of(site.imported)
        if a != b:
            counts[(a, b)] = counts.get((a, b), 0) + 1
            if site.kind != TYPE_CHECKING:
                runtime.add((a, b))
    g = nx.DiGraph()
    g.add_nodes_from(c.name for c in report.components)
    g.add_edges_from(counts)
    condensed = nx.condensation(g)
    mapping = condensed.graph["mapping"]
    level: dict[int, int] = {}
    for comp in reversed(list(nx.topological_sort(condensed))):
        level[comp] = 1 + max((level[s] for s in condensed.successors(comp)), default=-1)
    layer_of = {n: f"layer {level[mapping[n]]}" for n in g.nodes}
    cyclic = {(a, b) for a, b in counts if mapping[a] == mapping[b]}
    nodes = tuple(Node(c.name, layer_of[c.name], c.modules, c.lines, c.instability) for c in report.components)
    edges = tuple(Edge(a, b, w, VIOLATION if (a, b) in cyclic else OK, (a, b) not in runtime)
                  for (a, b), w in sorted(counts.items()))
    layers = tuple(sorted(set(layer_of.values()), key=lambda s: int(s.split()[1])))
    return GraphView("top-level packages", layers, nodes, edges)


def mermaid_text(text: str) -> str:
    """Text inside a quoted Mermaid label: entity codes for what would end the label or become markup."""
    out = " ".join(str(text).split())  # a newline would end the statement
    for char, code in (("&", "#amp;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("|", "#124;")):
        out = out.replace(char, code)
    return out


def dot_text(text: str) -> str:
    """Text inside a quoted DOT string: quotes and backslashes escaped, markup as entities (which
    Graphviz turns back into the characters when it draws)."""
    out = " ".join(str(text).split())
    out = out.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return out.replace("\\", "\\\\").replace('"', '\\"')


def to_mermaid(view: GraphView) -> str:
    ids = {n.name: f"n{i}" for i, n in enumerate(view.nodes)}
    out = ["graph BT", f"  %% {' '.join(view.title.split())}"]
    for i, layer in enumerate(view.layers):
        out.append(f'  subgraph layer{i}["{mermaid_text(layer)}"]')
        for n in view.nodes:
            if n.layer == layer:
                out.append(f'    {ids[n.name]}["{mermaid_text(n.name)}<br/>{n.modules} modules"]')
        out.append("  end")
    styles = []
    for i, e in enumerate(view.edges):
        arrow = "-.->" if e.typing else "-->"
        out.append(f"  {ids[e.source]} {arrow}|{e.imports}| {ids[e.target]}")
        if e.status != OK:
            dash = ",stroke-dasharray:4 3" if e.typing else ""
            styles.append(f"  linkStyle {i} stroke:{COLOUR[e.status]},stroke-width:{3 if e.status == BREAKER else 2}px"
                          f"{dash}")
    return "\n".join(out + styles) + "\n"


def to_dot(view: GraphView) -> str:
    out = [f'digraph "{dot_text(view.title)}" {{', "  rankdir=BT;",
           '  node [shape=box, style=rounded, fontname="Helvetica"];']
    for i, layer in enumerate(view.layers):
        out.append(f'  subgraph "cluster_{i}" {{ label="{dot_text(layer)}"; style=dashed;')
        for n in view.nodes:
            if n.layer == layer:
                name = dot_text(n.name)
                out.append(f'    "{name}" [label="{name}\\n{n.modules} modules, I={n.instability}"];')
        out.append("  }")
    for e in view.edges:
        attrs = [f'label="{e.imports}"']
        if e.status != OK:
            attrs.append(f'color="{COLOUR[e.status]}"')
        if e.status == BREAKER:
            attrs.append("penwidth=2.5")
        if e.typing:
            attrs.append("style=dashed")
        out.append(f'  "{dot_text(e.source)}" -> "{dot_text(e.target)}" [{", ".join(attrs)}];')
    out.append("}")
    return "\n".join(out) + "\n"
