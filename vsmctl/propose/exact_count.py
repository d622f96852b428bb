"""`--packages N`: exactly N packages, or one line saying why not.

Too many clusters: the smallest merges into the one it is most coupled to. Too few: the
largest cluster that can be split is cut in two along its weakest coupling (Kernighan-Lin
bisection of its atoms). Unplaced modules are not a package and do not count.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from vsmctl.propose.atoms import Atoms

Weights = dict[tuple[str, str], float]


def _sizes(label: dict[str, str], atoms: Atoms, unplaced: str) -> Counter[str]:
    size: Counter[str] = Counter()
    for atom, lab in label.items():
        if lab != unplaced:
            size[lab] += len(atoms.members[atom])
    return size


def _merge_smallest(label: dict[str, str], weights: Weights, size: Counter[str], unplaced: str) -> None:
    smallest = min(sorted(size), key=size.__getitem__)
    pull: dict[str, float] = defaultdict(float)
    for (a, b), w in weights.items():
        la, lb = label[a], label[b]
        if la == smallest and lb not in (smallest, unplaced):
            pull[lb] += w
        elif lb == smallest and la not in (smallest, unplaced):
            pull[la] += w
    others = [s for s in size if s != smallest]
    target = max(sorted(pull), key=pull.__getitem__) if pull else min(others, key=size.__getitem__)
    for atom in label:
        if label[atom] == smallest:
            label[atom] = target


def _split_largest(label: dict[str, str], weights: Weights, size: Counter[str], fresh: str) -> bool:
    import networkx as nx
    from networkx.algorithms.community import kernighan_lin_bisection

    for cluster in sorted(size, key=lambda c: (-size[c], c)):
        members = sorted(a for a, lab in label.items() if lab == cluster)
        if len(members) < 2:
            continue
        graph = nx.Graph()
        graph.add_nodes_from(members)
        inside = set(members)
        graph.add_weighted_edges_from((a, b, w) for (a, b), w in weights.items() if a in inside and b in inside)
        _left, right = kernighan_lin_bisection(graph, weight="weight", seed=7)
        for atom in right:
            label[atom] = fresh
        return True
    return False


def to_count(label: dict[str, str], weights: Weights, atoms: Atoms, wanted: int, unplaced: str) -> str | None:
    """Change `label` (atom -> cluster) in place to `wanted` clusters; a note when it cannot."""
    fresh = 0
    while True:
        size = _sizes(label, atoms, unplaced)
        if len(size) == wanted:
            return None
        if len(size) > wanted:
            _merge_smallest(label, weights, size, unplaced)
            continue
        fresh += 1
        if not _split_largest(label, weights, size, f"split{fresh}"):
            return (f"--packages {wanted}: only {len(size)} package(s) possible: every cluster is one module "
                    "or one group that must move together")
