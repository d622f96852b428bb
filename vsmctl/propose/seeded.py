"""Seeded boundaries: modules the roadmap already assigns are fixed; every other module goes to
the target it is most coupled to, with the score and the runner-up so a person can judge."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from vsmctl.propose.atoms import Atoms

# Belonging to the same Python package is a (weak) link too: an __init__ and its modules, a
# module and its package. Weight per parent-child pair.
CONTAINMENT_WEIGHT = 1.0
SEEDED_CLUSTER_MARGIN = 2.0


@dataclass(frozen=True)
class Decision:
    module: str
    target: str | None
    score: float  # share of the module's coupling that goes to the target (0..1)
    runner_up: str | None
    runner_up_score: float
    reason: str  # "coupling", "bound to <module> (import cycle|private helper)", "no coupling"


def containment_links(modules: list[str]) -> dict[tuple[str, str], float]:
    """Links from the package layout: a module and its package's __init__, and siblings.

    Each module spreads CONTAINMENT_WEIGHT over its siblings (modules of the same package), and
    a package module the same over its children, so the layout breaks ties between import
    couplings and places modules that import nothing, without outweighing real imports.
    """
    present = set(modules)
    children: dict[str, list[str]] = defaultdict(list)
    for m in modules:
        if "." in m:
            children[m.rsplit(".", 1)[0]].append(m)
    links: dict[tuple[str, str], float] = defaultdict(float)
    for parent, kids in children.items():
        for m in kids:
            if parent in present:
                links[(parent, m) if parent < m else (m, parent)] += CONTAINMENT_WEIGHT / len(kids)
            if len(kids) > 1:
                share = CONTAINMENT_WEIGHT / (len(kids) - 1)
                for other in kids:
                    if other > m:
                        links[(m, other)] += share
    return dict(links)


def _neighbours(weights: dict[tuple[str, str], float]) -> dict[str, dict[str, float]]:
    neighbours: dict[str, dict[str, float]] = defaultdict(dict)
    for (a, b), w in weights.items():
        neighbours[a][b] = neighbours[a].get(b, 0.0) + w
        neighbours[b][a] = neighbours[b].get(a, 0.0) + w
    return neighbours


def _follow_seeded_atoms(atoms: Atoms, target_of: dict[str, str],
                         decisions: list[Decision]) -> dict[str, tuple[str, ...]]:
    """An atom whose seeds agree takes its unassigned members along. Seeds that disagree mean the
    roadmap already cuts that cycle: its members are then placed one by one. Returns the atoms
    left to place (atom -> members)."""
    atom_members = dict(atoms.members)
    for atom, members in atoms.members.items():
        seeded = {target_of[m] for m in members if m in target_of}
        if len(seeded) > 1:
            del atom_members[atom]
            for m in members:
                atom_members[m] = (m,)
            continue
        if not seeded or all(m in target_of for m in members):
            continue
        target = next(iter(seeded))
        anchor = next(m for m in members if m in target_of)
        why = ", ".join(atoms.reasons.get(atom, ()))
        for m in members:
            if m not in target_of:
                target_of[m] = target
                decisions.append(Decision(m, target, 1.0, None, 0.0, f"bound to {anchor} ({why})"))
    return atom_members


class _Placer:
    """Places unseeded atoms by their coupling to the modules already placed."""

    def __init__(self, atoms: Atoms, atom_members: dict[str, tuple[str, ...]],
                 neighbours: dict[str, dict[str, float]], target_of: dict[str, str],
                 decisions: list[Decision]) -> None:
        self.atoms, self.atom_members, self.neighbours = atoms, atom_members, neighbours
        self.target_of, self.decisions = target_of, decisions

    def pull(self, atom: str) -> tuple[dict[str, float], float]:
        members = set(self.atom_members[atom])
        scores: dict[str, float] = defaultdict(float)
        total = 0.0
        for m in members:
            for other, w in self.neighbours[m].items():
                if other in members:
                    continue
                total += w
                if other in self.target_of:
                    scores[self.target_of[other]] += w
        return scores, total

    def ranked(self, pending: set[str]) -> list[tuple[float, str]]:
        """Most certain first: the atom whose best target leads its runner-up by the most."""
        ranked = []
        for atom in pending:
            scores, total = self.pull(atom)
            if not scores:
                continue
            top = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
            margin = (top[0][1] - (top[1][1] if len(top) > 1 else 0.0)) / total
            ranked.append((-margin, atom))
        ranked.sort()
        return ranked

    def place(self, atom: str) -> None:
        scores, total = self.pull(atom)
        top = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        target, best = top[0]
        runner, runner_score = top[1] if len(top) > 1 else (None, 0.0)
        together = self.atom_members[atom]
        reason = "coupling"
        if len(together) > 1:
            reason += f" (moved as one: {', '.join(together)}; {', '.join(self.atoms.reasons.get(atom, ()))})"
        for m in together:
            self.target_of[m] = target
            self.decisions.append(Decision(m, target, round(best / total, 3), runner,
                                           round(runner_score / total, 3), reason))


def assign_seeded(atoms: Atoms, weights: dict[tuple[str, str], float],
                  seeds: dict[str, str]) -> tuple[dict[str, str], list[Decision]]:
    """Extend `seeds` (module -> target) to every module coupled to one; return it and the decisions."""
    target_of = dict(seeds)
    decisions: list[Decision] = []
    atom_members = _follow_seeded_atoms(atoms, target_of, decisions)
    placer = _Placer(atoms, atom_members, _neighbours(weights), target_of, decisions)
    pending = {atom for atom, members in atom_members.items() if not any(m in target_of for m in members)}
    while pending:
        ranked = placer.ranked(pending)
        if not ranked:
            break
        # Assign the most certain tenth in this round (scores recomputed as we go), so that a
        # large tree needs tens of rounds, not one per module.
        for _margin, atom in ranked[: max(1, len(ranked) // 10)]:
            placer.place(atom)
            pending.discard(atom)
    for atom in sorted(pending):
        for m in atom_members[atom]:
            decisions.append(Decision(m, None, 0.0, None, 0.0, "no coupling to any target"))
    decisions.sort(key=lambda d: d.module)
    return target_of, decisions


def new_packages(labels: dict[str, str], seeds: dict[str, str], weights: dict[tuple[str, str], float],
                 unplaced: str, hubs: tuple[str, ...] = ()) -> dict[str, str]:
    """The unseeded part of each cluster becomes a new package (module -> cluster label) when it
    holds together more than it leans on the seeded modules: a roadmap that names some packages
    must not force every other module into one of them. Links to hubs (which everything imports)
    do not count, and links are degree-normalised, as in the clustering."""
    from vsmctl.propose.coupling import normalized

    set_aside = set(hubs)
    weights = normalized({k: w for k, w in weights.items() if k[0] not in set_aside and k[1] not in set_aside})
    members: dict[str, set[str]] = defaultdict(set)
    for module, label in labels.items():
        if module not in seeds and label != unplaced:
            members[label].add(module)
    inside: dict[str, float] = defaultdict(float)
    to_seeds: dict[str, float] = defaultdict(float)
    for (a, b), w in weights.items():
        for here, there in ((a, b), (b, a)):
            if here in seeds or here not in labels:
                continue
            if there in seeds:
                to_seeds[labels[here]] += w
            elif labels.get(there) == labels[here] and here < there:
                inside[labels[here]] += w
    # a cluster the roadmap already reaches into (some member seeded) must show more cohesion
    seeded_labels = {labels[m] for m in seeds if m in labels}
    out = {}
    for label, mods in members.items():
        bar = to_seeds[label] * (SEEDED_CLUSTER_MARGIN if label in seeded_labels else 1.0)
        if len(mods) >= 2 and inside[label] > bar:
            out.update(dict.fromkeys(mods, label))
    return out


def new_package_decisions(new: dict[str, str], names: dict[str, str]) -> list[Decision]:
    return [Decision(m, names[label], 1.0, None, 0.0, "new package: coupled more within than to any seed")
            for m, label in sorted(new.items())]
