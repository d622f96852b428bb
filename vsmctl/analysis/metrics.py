"""Coupling metrics over any grouping of modules: fan-in, fan-out, instability, size."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from vsmctl.analysis.model import ModuleGraph


@dataclass(frozen=True)
class GroupMetrics:
    name: str
    modules: int
    lines: int
    fan_in: int  # other groups that import this one (afferent coupling, Ca)
    fan_out: int  # other groups this one imports (efferent coupling, Ce)
    instability: float  # Ce / (Ca + Ce): 0 stable, 1 unstable
    imports_in: int  # import statements from other groups into this one
    imports_out: int


def group_metrics(graph: ModuleGraph, group_of: Callable[[str], str | None]) -> list[GroupMetrics]:
    """Metrics per group; modules whose group is None are left out."""
    members: dict[str, list[str]] = {}
    for name in graph.modules:
        group = group_of(name)
        if group is not None:
            members.setdefault(group, []).append(name)
    fan_in: dict[str, set[str]] = {g: set() for g in members}
    fan_out: dict[str, set[str]] = {g: set() for g in members}
    n_in = dict.fromkeys(members, 0)
    n_out = dict.fromkeys(members, 0)
    for site in graph.imports:
        a, b = group_of(site.importer), group_of(site.imported)
        if a is None or b is None or a == b:
            continue
        fan_out[a].add(b)
        fan_in[b].add(a)
        n_out[a] += 1
        n_in[b] += 1
    out = []
    for g in sorted(members):
        ca, ce = len(fan_in[g]), len(fan_out[g])
        out.append(GroupMetrics(
            name=g, modules=len(members[g]), lines=sum(graph.modules[m].lines for m in members[g]),
            fan_in=ca, fan_out=ce, instability=round(ce / (ca + ce), 3) if ca + ce else 0.0,
            imports_in=n_in[g], imports_out=n_out[g],
        ))
    return out


def component_of_factory(graph: ModuleGraph) -> Callable[[str], str]:
    """The monolith's top-level packages: with one top package, its direct children."""
    depth = 1 if len(graph.top_packages) > 1 else 2

    def component_of(module: str) -> str:
        return ".".join(module.split(".")[:depth])

    return component_of
