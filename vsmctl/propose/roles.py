"""Modules with a role no package should absorb: composition roots.

A composition root (an `app.py` that wires every subsystem together, a `main`) imports from many
packages and is imported by none of them (at most by entry points above it: a CLI, an API).
Placed in any one package it would make that package depend on all the others: it stays at the
top, outside every proposed package.
"""

from __future__ import annotations

from collections import defaultdict

from vsmctl.analysis.model import ModuleGraph

ROOT_MIN_PACKAGES = 3  # a root reaches into at least this many packages...
ROOT_SHARE = 1 / 2  # ...and at least this share of all of them


def composition_roots(graph: ModuleGraph, partition: dict[str, str], keep: set[str]) -> set[str]:
    """Modules that import from many packages of `partition` while none of those packages imports
    them (except `keep`: modules the roadmap places itself)."""
    importers: dict[str, set[str | None]] = defaultdict(set)
    reaches: dict[str, set[str]] = defaultdict(set)
    for a, b in graph.edges():
        if a == b:
            continue
        importers[b].add(partition.get(a))
        if b in partition:
            reaches[a].add(partition[b])
    packages = len(set(partition.values()))
    bar = max(ROOT_MIN_PACKAGES, ROOT_SHARE * packages)
    return {m for m, pkgs in reaches.items()
            if m not in keep and len(pkgs - {partition.get(m)}) >= bar and not (importers[m] & pkgs)}
