"""The moved code merged into a graph, by the graph's language (see analysis/moved_code.py)."""

from __future__ import annotations

from vsmctl.analysis.model import ModuleGraph
from vsmctl.analysis.moved_code import MovedCode


def with_moved_code(graph: ModuleGraph, moved: list[MovedCode]) -> ModuleGraph:
    """The graph with each moved package's code merged in (a language that cannot: unchanged)."""
    if not moved:
        return graph
    if graph.language != "python":
        return graph  # only Python so far: an extracted Elixir app is not read back into the graph
    from vsmctl.analysis.python.moved_code import merge

    for code in moved:
        if code.folder.is_dir():
            graph = merge(graph, code)
    return graph
