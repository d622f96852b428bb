"""How strongly modules belong together: imports (and optionally change history) as weights."""

from __future__ import annotations

import math
from collections.abc import Mapping

from vsmctl.analysis.model import FUNCTION, TYPE_CHECKING, ModuleGraph

# A function-level import binds less tightly than a plain one; a TYPE_CHECKING import only
# shares types. Weights per import statement.
KIND_WEIGHT = {FUNCTION: 0.5, TYPE_CHECKING: 0.25}
# Two modules in one import cycle reach each other both ways; an import between modules that
# share no cycle goes down a layer, one way only, which is what a package boundary looks like:
# it counts half while clustering. Measured (BENCHMARKS.md): Elixir's six apps 76 -> 79, django
# 67 -> 69, sympy 61 -> 63 (means over four seed sets).
ACROSS_CYCLES = 0.5
# An import into the foundation layer (layers.py) from a module outside it counts a quarter of
# that again: using the core says little of where a module belongs. Measured with only the
# foundation's hubs (BENCHMARKS.md, default seeds; four seed sets in brackets): Elixir's six apps
# 78.6 -> 86.4 (86.1-87.4), django 70.0 -> 70.2 (69.4-70.2), sympy 67.9 -> 68.8 (67.6-68.8). At 0.3
# Elixir falls to 84.8, at 0.15 sympy to 64.8; at 1 (hubs alone) Elixir is at 77.0.
INTO_FOUNDATION = 0.25


def import_weights(graph: ModuleGraph) -> dict[tuple[str, str], float]:
    """Undirected pair (sorted) -> summed weight of the import statements between the two."""
    weights: dict[tuple[str, str], float] = {}
    for site in graph.imports:
        if site.importer == site.imported:
            continue
        key = (site.importer, site.imported) if site.importer < site.imported else (site.imported, site.importer)
        weights[key] = weights.get(key, 0.0) + KIND_WEIGHT.get(site.kind, 1.0)
    return weights


def across_cycles_halved(graph: ModuleGraph, weights: dict[tuple[str, str], float],
                         factor: float = ACROSS_CYCLES) -> dict[tuple[str, str], float]:
    """`weights` with each pair of modules that share no import cycle scaled by `factor`."""
    from vsmctl.analysis.cycles import components

    adjacency: dict[str, list[str]] = {}
    for a, b in graph.edges():
        if a != b:
            adjacency.setdefault(a, []).append(b)
            adjacency.setdefault(b, [])
    component: dict[str, int] = {}
    for i, members in enumerate(components(adjacency)):
        for m in members:
            component[m] = i
    return {(a, b): w if a in component and component.get(a) == component.get(b) else factor * w
            for (a, b), w in weights.items()}


def into_foundation_scaled(weights: dict[tuple[str, str], float], base: frozenset[str],
                           factor: float = INTO_FOUNDATION) -> dict[tuple[str, str], float]:
    """`weights` with each pair of one module in the foundation `base` and one outside scaled by
    `factor` (the import always goes down, into the foundation: nothing in it imports out)."""
    return {(a, b): factor * w if (a in base) != (b in base) else w for (a, b), w in weights.items()}


def add_weights(base: dict[tuple[str, str], float], extra: Mapping[tuple[str, str], float],
                factor: float = 1.0) -> dict[tuple[str, str], float]:
    out = dict(base)
    for key, w in extra.items():
        out[key] = out.get(key, 0.0) + factor * w
    return out


def normalized(weights: dict[tuple[str, str], float]) -> dict[tuple[str, str], float]:
    """Divide each weight by the geometric mean of its ends' degrees.

    Hubs (a package __init__ re-exporting everything, a utilities module all import) otherwise
    pull unrelated modules into their cluster; this is what lifts the proposal well above plain
    Louvain on real projects (BENCHMARKS.md).
    """
    degree: dict[str, int] = {}
    for a, b in weights:
        degree[a] = degree.get(a, 0) + 1
        degree[b] = degree.get(b, 0) + 1
    return {(a, b): w / math.sqrt(degree[a] * degree[b]) for (a, b), w in weights.items()}
