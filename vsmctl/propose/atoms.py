"""What a proposal must never split: atoms of modules that move together.

- a module and its private helpers: `_name` modules imported by that one module only;
- the modules of one import cycle (a strongly connected component), unless cycles may be cut.
"""

from __future__ import annotations

from dataclasses import dataclass

from vsmctl.analysis.cycles import strongly_connected
from vsmctl.analysis.model import TYPE_CHECKING, ModuleGraph, edge_kind


class _UnionFind:
    def __init__(self, items: list[str]) -> None:
        self.parent = {i: i for i in items}

    def find(self, x: str) -> str:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


@dataclass(frozen=True)
class Atoms:
    atom_of: dict[str, str]  # module -> atom id (its smallest member)
    members: dict[str, tuple[str, ...]]  # atom id -> modules
    reasons: dict[str, tuple[str, ...]]  # atom id -> why its modules are bound ("cycle", "private helper")


def _is_private(module: str) -> bool:
    last = module.rsplit(".", 1)[-1]
    return last.startswith("_") and not last.startswith("__")


def build_atoms(graph: ModuleGraph, cut_cycles: bool = False) -> Atoms:
    uf = _UnionFind(sorted(graph.modules))
    reasons: dict[str, set[str]] = {}
    edges = graph.edges()
    importers: dict[str, set[str]] = {}
    for a, b in edges:
        importers.setdefault(b, set()).add(a)
    bound: list[tuple[str, str, str]] = []
    for module in graph.modules:
        users = importers.get(module, set()) - {module}
        if _is_private(module) and len(users) == 1:
            bound.append((module, next(iter(users)), "private helper"))
    if not cut_cycles:
        runtime = [k for k, sites in edges.items() if edge_kind(sites) != TYPE_CHECKING]
        for cycle in strongly_connected(runtime):
            first = cycle.members[0]
            for other in cycle.members[1:]:
                bound.append((first, other, "import cycle"))
    for a, b, _why in bound:
        uf.union(a, b)
    for a, _b, why in bound:
        reasons.setdefault(uf.find(a), set()).add(why)
    members: dict[str, list[str]] = {}
    for module in sorted(graph.modules):
        members.setdefault(uf.find(module), []).append(module)
    atom_of = {m: uf.find(m) for m in graph.modules}
    return Atoms(atom_of, {k: tuple(v) for k, v in members.items()},
                 {k: tuple(sorted(v)) for k, v in reasons.items()})
