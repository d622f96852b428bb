"""The graph a picture shows: roadmap packages when there is a roadmap, else top-level packages."""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from vsmctl.analysis.model import TYPE_CHECKING
from vsmctl.analysis.report import AnalysisReport
from vsmctl.roadmap.model import Roadmap

OK, VIOLATION, BREAKER, TYPING = "ok", "violation", "breaker", "typing"


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
    status: str  # ok | violation | breaker (also a violation or not) | typing (TYPE_CHECKING only)


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


def _edge_status(key: tuple[str, str], kind: str, violating: set[tuple[str, str]],
                 breaking: set[tuple[str, str]]) -> str:
    if key in breaking:
        return BREAKER
    if key in violating:
        return VIOLATION
    return TYPING if kind == TYPE_CHECKING else OK


def _roadmap_view(report: AnalysisReport, roadmap: Roadmap) -> GraphView:
    category = {p.name: p.category for p in roadmap.packages}
    nodes = tuple(Node(p.name, category[p.name], p.modules, p.lines, p.instability) for p in report.packages)
    violating = {(v.source, v.target) for v in report.violations}
    breaking = set(report.breakers.edges) if report.breakers else set()
    edges = tuple(Edge(e.source, e.target, e.weight, _edge_status((e.source, e.target), e.kind, violating, breaking))
                  for e in report.package_edges)
    layers = tuple(c for c in roadmap.categories if any(n.layer == c for n in nodes))
    return GraphView(f"{roadmap.name}: package dependencies", layers, nodes, edges)


def _component_view(report: AnalysisReport) -> GraphView:
    """No roadmap: top-level packages, layered by their depth in the condensed dependency graph."""
    from vsmctl.analysis.metrics import component_of_factory

    component_of = component_of_factory(report.graph)
    counts: dict[tuple[str, str], int] = {}
    for site in report.graph.imports:
        a, b = component_of(site.importer), component_of(site.imported)
        if a != b:
            counts[(a, b)] = counts.get((a, b), 0) + 1
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
    edges = tuple(Edge(a, b, w, VIOLATION if (a, b) in cyclic else OK) for (a, b), w in sorted(counts.items()))
    layers = tuple(sorted(set(layer_of.values()), key=lambda s: int(s.split()[1])))
    return GraphView("top-level packages", layers, nodes, edges)


def to_mermaid(view: GraphView) -> str:
    ids = {n.name: f"n{i}" for i, n in enumerate(view.nodes)}
    out = ["graph BT", f"  %% {view.title}"]
    for layer in view.layers:
        out.append(f'  subgraph {_safe(layer)}["{layer}"]')
        for n in view.nodes:
            if n.layer == layer:
                out.append(f'    {ids[n.name]}["{n.name}<br/>{n.modules} modules"]')
        out.append("  end")
    styles = []
    for i, e in enumerate(view.edges):
        arrow = "-.->" if e.status == TYPING else "-->"
        out.append(f"  {ids[e.source]} {arrow}|{e.imports}| {ids[e.target]}")
        if e.status in (VIOLATION, BREAKER):
            styles.append(f"  linkStyle {i} stroke:#d62728,stroke-width:{3 if e.status == BREAKER else 2}px")
    return "\n".join(out + styles) + "\n"


def to_dot(view: GraphView) -> str:
    out = [f'digraph "{view.title}" {{', "  rankdir=BT;", '  node [shape=box, style=rounded, fontname="Helvetica"];']
    for i, layer in enumerate(view.layers):
        out.append(f'  subgraph "cluster_{i}" {{ label="{layer}"; style=dashed;')
        for n in view.nodes:
            if n.layer == layer:
                out.append(f'    "{n.name}" [label="{n.name}\\n{n.modules} modules, I={n.instability}"];')
        out.append("  }")
    for e in view.edges:
        attrs = [f'label="{e.imports}"']
        if e.status in (VIOLATION, BREAKER):
            attrs.append('color="#d62728"')
        if e.status == BREAKER:
            attrs.append("penwidth=2.5")
        if e.status == TYPING:
            attrs.append("style=dashed")
        out.append(f'  "{e.source}" -> "{e.target}" [{", ".join(attrs)}];')
    out.append("}")
    return "\n".join(out) + "\n"


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in text)
