"""The moved code merged into a graph by the frontend of the graph's language (see
analysis/moved_code.py). A frontend that has no `merge_moved_code` leaves the graph as it is: an
extracted package of that language is not read back yet (Elixir's today)."""

from __future__ import annotations

from vsmctl.analysis.frontends import FRONTENDS
from vsmctl.analysis.model import ModuleGraph
from vsmctl.analysis.moved_code import MovedCode


def with_moved_code(graph: ModuleGraph, moved: list[MovedCode]) -> ModuleGraph:
    """The graph with each moved package's code merged in."""
    frontend = next((f for f in FRONTENDS if f.language == graph.language), None)
    merge = getattr(frontend, "merge_moved_code", None)
    if not moved or merge is None:
        return graph
    for code in moved:
        if code.folder.is_dir():
            graph = merge(graph, code)
    return graph
