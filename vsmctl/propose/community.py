"""Unsupervised boundaries: consensus communities over atoms, with hubs kept from gluing them.

One Louvain run is a coin toss on a real import graph: its partition changes with the seed, and
picking the run of highest modularity prefers a few huge clusters. So Louvain runs several
times (seeds x resolutions) on degree-normalised coupling (louvain.py: networkx's Louvain without
its round-off loop), and two atoms share a package only when most runs put them together
(consensus clustering, Lancichinetti & Fortunato 2012).
Before that, *hubs* — atoms that a large share of the code imports (a utilities module, a
package `__init__` re-exporting everything) — are taken out of the graph: they couple
everything to everything. Each hub then joins the package it is most coupled to.

Measured against the real subpackages of two large projects, with the folder layout withheld,
this lifts MoJoFM from 58/33 (one Louvain run, cycles kept whole) to 70/68 (BENCHMARKS.md).

No coarser level is built on top: merging consensus groups while modularity improves (plain or
directed) lowered every measured project (Elixir's six apps 75.7 -> 73.5/74.1, django 66.8 -> 52.6,
sympy 64.2 -> 46.3), and merging groups tied by import cycles glued nearly everything together.
Even a perfect merge of those groups (each to the app most of it belongs to) reached only 85.8 on
Elixir: the groups mixed apps. What separates them is direction, not strength: the foundation
layer (layers.py) decides which modules are hubs, and imports into it weigh less (coupling.py).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from vsmctl.propose.atoms import Atoms
from vsmctl.propose.coupling import normalized
from vsmctl.propose.louvain import louvain_communities

RESOLUTIONS = (1.0, 2.0)
SEEDS = tuple(range(8))  # Louvain is randomised; fixed seeds make proposals reproducible
# Share of runs that must put two atoms together. Measured over four seed sets (BENCHMARKS.md):
# 0.7 left sympy between 58 and 64 from one seed set to the next; 0.9 holds it at 67-68 and
# lifts django, at the cost of more, smaller packages (sympy: about 110 for its 46).
AGREEMENT = 0.9
HUB_SHARE = 0.10  # imported by at least this share of all atoms (and by HUB_MIN): a hub
HUB_MIN = 5
UNPLACED = "unplaced"  # atoms with no imports either way and no clear folder: not a package

Weights = dict[tuple[str, str], float]


@dataclass(frozen=True)
class Clustering:
    labels: dict[str, str]  # module -> cluster label (UNPLACED for modules nothing places)
    hubs: tuple[str, ...]  # modules taken out while clustering (joined their best cluster after)
    placed_by_folder: tuple[str, ...]  # modules with no imports, placed with their folder's cluster
    note: str | None = None  # why the asked number of packages could not be met exactly


def atom_weights(atoms: Atoms, weights: Weights) -> Weights:
    out: Weights = defaultdict(float)
    for (a, b), w in weights.items():
        x, y = atoms.atom_of[a], atoms.atom_of[b]
        if x != y:
            out[(x, y) if x < y else (y, x)] += w
    return dict(out)


def neighbours(weights: Weights) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for (a, b), w in weights.items():
        out[a][b] = out[a].get(b, 0.0) + w
        out[b][a] = out[b].get(a, 0.0) + w
    return out


def find_hubs(atoms: Atoms, directed: set[tuple[str, str]], share: float = HUB_SHARE) -> set[str]:
    """Atoms imported by at least `share` of the other atoms."""
    importers: dict[str, set[str]] = defaultdict(set)
    for a, b in directed:
        x, y = atoms.atom_of[a], atoms.atom_of[b]
        if x != y:
            importers[y].add(x)
    bar = max(HUB_MIN, share * len(atoms.members))
    return {atom for atom, users in importers.items() if len(users) >= bar}


def _consensus(nodes: list[str], weights: Weights) -> dict[str, str]:
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    for (a, b), w in normalized(weights).items():
        graph.add_edge(a, b, weight=w)
    together: Counter[tuple[str, str]] = Counter()
    runs = 0
    for resolution in RESOLUTIONS:
        for seed in SEEDS:
            found = louvain_communities(graph, resolution=resolution, seed=seed)  # networkx's, without its tie loop
            label = {n: i for i, community in enumerate(found) for n in community}
            runs += 1
            for a, b in weights:
                if label[a] == label[b]:
                    together[(a, b)] += 1
    agreed = nx.Graph()
    agreed.add_nodes_from(nodes)
    agreed.add_edges_from(pair for pair, n in together.items() if n >= AGREEMENT * runs)
    return {n: f"c{i}" for i, component in enumerate(sorted(nx.connected_components(agreed), key=min))
            for n in component}


def _size(label: dict[str, str], atoms: Atoms) -> Counter[str]:
    size: Counter[str] = Counter()
    for atom, lab in label.items():
        size[lab] += len(atoms.members[atom])
    return size


def _best(pull: dict[str, float]) -> str | None:
    return max(sorted(pull), key=pull.__getitem__) if pull else None


def _join_singletons(label: dict[str, str], near: dict[str, dict[str, float]], atoms: Atoms) -> None:
    """A one-module cluster joins the cluster it is most coupled to (a package of one is noise)."""
    size = _size(label, atoms)
    changed = True
    while changed:
        changed = False
        for atom in sorted(label):
            lab = label[atom]
            if size[lab] > 1 or lab == UNPLACED:
                continue
            pull: dict[str, float] = defaultdict(float)
            for other, w in near.get(atom, {}).items():
                if other in label and label[other] != lab:
                    pull[label[other]] += w
            target = _best(pull)
            if target is not None:
                size[lab] -= 1
                size[target] += 1
                label[atom] = target
                changed = True


def _attach(atom: str, near: dict[str, dict[str, float]], label: dict[str, str]) -> str | None:
    pull: dict[str, float] = defaultdict(float)
    for other, w in near.get(atom, {}).items():
        if other in label and label[other] != UNPLACED:
            pull[label[other]] += w
    return _best(pull)


def _folder(module: str, is_package: bool) -> str:
    return module if is_package else module.rpartition(".")[0]


def place_by_folder(label: dict[str, str], isolated: list[str], atoms: Atoms,
                    is_package: dict[str, bool]) -> list[str]:
    """Modules with no imports at all: the graph says nothing of them. Each goes where a clear
    majority of its folder's (or the nearest enclosing folder's) connected modules went; the
    rest stay unplaced. Returns the modules placed."""
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for atom, lab in label.items():
        if lab != UNPLACED:
            for m in atoms.members[atom]:
                votes[_folder(m, is_package[m])][lab] += 1
    placed: list[str] = []
    for atom in isolated:
        module = atoms.members[atom][0]
        folder = _folder(module, is_package[module])
        while folder and folder not in votes:
            folder = folder.rpartition(".")[0]
        if not folder:
            continue
        top, n = votes[folder].most_common(1)[0]
        if n > sum(votes[folder].values()) / 2:
            label[atom] = top
            placed.extend(atoms.members[atom])
    return placed


def _place_around(label: dict[str, str], hubs: set[str], near_all: dict[str, dict[str, float]],
                  atoms: Atoms) -> list[str]:
    """Hubs join the cluster they are most coupled to, then atoms coupled only to hubs; returns
    the atoms with no coupling at all (labelled UNPLACED)."""
    for hub in sorted(hubs, key=lambda h: -len(near_all.get(h, {}))):
        label[hub] = _attach(hub, near_all, label) or f"hub:{hub}"
    for atom in sorted(atoms.members):
        if atom not in label and atom in near_all:
            label[atom] = _attach(atom, near_all, label) or UNPLACED
    isolated = sorted(a for a in atoms.members if a not in label)
    for atom in isolated:
        label[atom] = UNPLACED
    return isolated


def foundation_hubs(hubs: set[str], atoms: Atoms, base: frozenset[str]) -> set[str]:
    """The hubs in the foundation layer (all of them when there is none): a widely imported
    module above it is the centre of its own layer, not a utility of the whole code (layers.py)."""
    if not base:
        return hubs
    return {h for h in hubs if any(m in base for m in atoms.members[h])}


def communities(atoms: Atoms, weights: Weights, directed: set[tuple[str, str]], is_package: dict[str, bool],
                packages: int | None = None, base: frozenset[str] = frozenset()) -> Clustering:
    """module -> cluster label, with the hubs set aside and the unconnected modules placed.
    `base`: the foundation layer (layers.py), which decides what counts as a hub."""
    atom_w = atom_weights(atoms, weights)
    hubs = foundation_hubs(find_hubs(atoms, directed), atoms, base)
    core = {k: w for k, w in atom_w.items() if k[0] not in hubs and k[1] not in hubs}
    near = neighbours(core)
    connected = sorted(a for a in atoms.members if a not in hubs and a in near)
    label = _consensus(connected, core) if connected else {}
    _join_singletons(label, near, atoms)
    isolated = _place_around(label, hubs, neighbours(atom_w), atoms)
    placed = place_by_folder(label, isolated, atoms, is_package)
    note = None
    if packages is not None:
        from vsmctl.propose.exact_count import to_count

        note = to_count(label, atom_w, atoms, packages, UNPLACED)
    by_module = {m: label[atoms.atom_of[m]] for m in atoms.atom_of}
    hub_modules = tuple(sorted(m for h in hubs for m in atoms.members[h]))
    return Clustering(by_module, hub_modules, tuple(sorted(placed)), note)
