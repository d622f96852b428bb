"""The foundation layer: the largest import cycle and everything it imports, directly or not.

A codebase built on a core (a language's standard library under its tools, a framework's kernel
under its plugins) has that core at the bottom of its import graph: its modules reach each other
(one large cycle) and everything they import; the layers above import into it and it does not
import back. Nothing in the foundation imports anything outside it, by construction, so an
import between the foundation and a module outside it always goes down into the foundation.

Two things follow while clustering (BENCHMARKS.md has the measurements):
- such an import says little of where the module above belongs: a tool that calls the
  core's file or process functions is not part of the core. It weighs less (coupling.py).
- a module imported by a large share of the code is a *hub* only when it lies in the foundation.
  A widely imported module above it (the task API every build task uses) is the centre of its
  own layer: setting it aside would leave that layer's modules with nothing to hold them together.

With no import cycle there is no foundation, and clustering is as before.
"""

from __future__ import annotations

from vsmctl.analysis.cycles import components
from vsmctl.analysis.model import ModuleGraph


def _adjacency(graph: ModuleGraph) -> dict[str, list[str]]:
    adjacency: dict[str, list[str]] = {}
    for a, b in graph.edges():
        if a != b:
            adjacency.setdefault(a, []).append(b)
            adjacency.setdefault(b, [])
    return adjacency


def foundation(graph: ModuleGraph) -> frozenset[str]:
    """The modules of the largest import cycle and every module they import, transitively
    (empty when the graph has no cycle)."""
    adjacency = _adjacency(graph)
    cycles = [c for c in components(adjacency) if len(c) > 1]
    if not cycles:
        return frozenset()
    largest = min(cycles, key=lambda c: (-len(c), min(c)))  # of equal sizes, a fixed one
    reached = set(largest)
    todo = list(largest)
    while todo:
        for nxt in adjacency[todo.pop()]:
            if nxt not in reached:
                reached.add(nxt)
                todo.append(nxt)
    return frozenset(reached)
