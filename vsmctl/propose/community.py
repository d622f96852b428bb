"""Unsupervised boundaries: Louvain communities over atoms, with a resolution search.

Louvain (networkx) runs on degree-normalized coupling at several resolutions; each result is
tidied (modules with no imports at all form one group to review, one-module clusters join the
cluster they are most coupled to) and the partition with the highest modularity on the plain
import weights wins. `packages` asks for a number of packages instead.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from vsmctl.propose.atoms import Atoms
from vsmctl.propose.coupling import normalized
from vsmctl.propose.scoring import modularity

RESOLUTIONS = (0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0)
UNCONNECTED = "unconnected"
SEED = 7  # Louvain is randomised; a fixed seed makes proposals reproducible


def _atom_weights(atoms: Atoms, weights: dict[tuple[str, str], float]) -> dict[tuple[str, str], float]:
    out: dict[tuple[str, str], float] = defaultdict(float)
    for (a, b), w in weights.items():
        x, y = atoms.atom_of[a], atoms.atom_of[b]
        if x != y:
            out[(x, y) if x < y else (y, x)] += w
    return out


def _tidy(labels: dict[str, int], atom_w: dict[tuple[str, str], float], atoms: Atoms) -> dict[str, str]:
    """Isolated atoms to one group; atoms alone in a cluster of one module join their best neighbour."""
    neighbours: dict[str, dict[str, float]] = defaultdict(dict)
    for (a, b), w in atom_w.items():
        neighbours[a][b] = w
        neighbours[b][a] = w
    label = {atom: f"c{labels[atom]}" for atom in atoms.members}
    for atom in atoms.members:
        if not neighbours[atom]:
            label[atom] = UNCONNECTED
    size: Counter[str] = Counter()
    for atom, lab in label.items():
        size[lab] += len(atoms.members[atom])
    changed = True
    while changed:
        changed = False
        for atom in sorted(atoms.members):
            lab = label[atom]
            if lab == UNCONNECTED or size[lab] > 1:
                continue
            pull: dict[str, float] = defaultdict(float)
            for other, w in neighbours[atom].items():
                if label[other] != lab:
                    pull[label[other]] += w
            if pull:
                best = max(sorted(pull), key=pull.__getitem__)
                size[lab] -= len(atoms.members[atom])
                size[best] += len(atoms.members[atom])
                label[atom] = best
                changed = True
    return label


def _merge_to(label: dict[str, str], atom_w: dict[tuple[str, str], float], atoms: Atoms, n: int) -> dict[str, str]:
    """Merge the smallest clusters into their most-coupled neighbour until at most n remain."""
    label = dict(label)
    while True:
        size: Counter[str] = Counter()
        for atom, lab in label.items():
            if lab != UNCONNECTED:
                size[lab] += len(atoms.members[atom])
        if len(size) <= n:
            return label
        smallest = min(sorted(size), key=size.__getitem__)
        pull: dict[str, float] = defaultdict(float)
        for (a, b), w in atom_w.items():
            la, lb = label[a], label[b]
            if la == smallest and lb not in (smallest, UNCONNECTED):
                pull[lb] += w
            elif lb == smallest and la not in (smallest, UNCONNECTED):
                pull[la] += w
        target = max(sorted(pull), key=pull.__getitem__) if pull else min(s for s in size if s != smallest)
        for atom in label:
            if label[atom] == smallest:
                label[atom] = target


def communities(atoms: Atoms, weights: dict[tuple[str, str], float], packages: int | None = None,
                resolutions: tuple[float, ...] = RESOLUTIONS) -> tuple[dict[str, str], float]:
    """module -> cluster label, and the resolution chosen."""
    import networkx as nx

    atom_w = _atom_weights(atoms, weights)
    graph = nx.Graph()
    graph.add_nodes_from(atoms.members)
    for (a, b), w in normalized(atom_w).items():
        graph.add_edge(a, b, weight=w)
    edges = [(a, b, w) for (a, b), w in weights.items()]
    best: tuple[float, float, dict[str, str]] | None = None
    for resolution in resolutions:
        found = nx.community.louvain_communities(graph, weight="weight", resolution=resolution, seed=SEED)
        labels = {atom: i for i, community in enumerate(found) for atom in community}
        atom_label = _tidy(labels, atom_w, atoms)
        if packages is not None:
            atom_label = _merge_to(atom_label, atom_w, atoms, packages)
        by_module = {m: atom_label[atoms.atom_of[m]] for m in atoms.atom_of}
        if packages is not None:
            count = len(set(by_module.values()) - {UNCONNECTED})
            quality: float = -abs(count - packages)
        else:
            quality = modularity(by_module, edges)
        if best is None or quality > best[0]:
            best = (quality, resolution, by_module)
    assert best is not None
    return best[2], best[1]
