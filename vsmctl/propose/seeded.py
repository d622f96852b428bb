"""Seeded boundaries: modules the roadmap already assigns are fixed; every other module goes to
the target it is most coupled to, with the score and the runner-up so a person can judge."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from vsmctl.propose.atoms import Atoms

# Belonging to the same Python package is a (weak) link too: an __init__ and its modules, a
# module and its package. Weight per parent-child pair.
CONTAINMENT_WEIGHT = 1.0
# A seed claims a cluster when it holds more than this share of the cluster's modules: a majority,
# so that at most one seed claims a cluster this way (measured: 1/3 attaches too much, 0.5 and 0.6
# score alike on django and sympy).
DOMINANT_SHARE = 0.5
# In a cluster a seed claims, its unseeded part must hold together this many times more than it
# leans on the seeds to become a package of its own.
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


def claimed_clusters(labels: dict[str, str], seeds: dict[str, str], unplaced: str) -> set[str]:
    """Clusters of the unsupervised clustering that a seed claims: more than half of the cluster's
    modules belong to that one seed (the clustering and the roadmap then agree the cluster *is*
    that package), or the seed lies wholly inside the cluster (a roadmap that names a package by
    a few anchor modules, all of which the clustering puts here)."""
    members: dict[str, list[str]] = defaultdict(list)
    for module, label in labels.items():
        if label != unplaced:
            members[label].append(module)
    seed_size: dict[str, int] = defaultdict(int)
    for module, target in seeds.items():
        if labels.get(module, unplaced) != unplaced:
            seed_size[target] += 1
    claimed = set()
    for label, mods in members.items():
        held: dict[str, int] = defaultdict(int)
        for m in mods:
            if m in seeds:
                held[seeds[m]] += 1
        if any(n > DOMINANT_SHARE * len(mods) or n == seed_size[t] for t, n in held.items()):
            claimed.add(label)
    return claimed


def unclaimed_parts(labels: dict[str, str], seeds: dict[str, str], unplaced: str) -> dict[str, str]:
    """module -> cluster label for the unseeded modules of every cluster no seed claims: each such
    part becomes a new package, as unsupervised mode would make it. Attaching it to a seed that
    holds only a minority of its cluster would merge what the clustering keeps apart (measured on
    django with 30% of its packages seeded: 175 such modules went to the seeds, 60 against 67)."""
    claimed = claimed_clusters(labels, seeds, unplaced)
    return {m: label for m, label in labels.items()
            if m not in seeds and label != unplaced and label not in claimed}


def new_packages(labels: dict[str, str], seeds: dict[str, str], weights: dict[tuple[str, str], float],
                 unplaced: str, hubs: tuple[str, ...] = ()) -> dict[str, str]:
    """In the clusters a seed claims, the unseeded part (module -> cluster label) still becomes a
    new package when it holds together more than it leans on the seeded modules (twice as much:
    the cluster is the seed's). Links to hubs (which everything imports) do not count, and links
    are degree-normalised, as in the clustering."""
    from vsmctl.propose.coupling import normalized

    set_aside = set(hubs)
    weights = normalized({k: w for k, w in weights.items() if k[0] not in set_aside and k[1] not in set_aside})
    claimed = claimed_clusters(labels, seeds, unplaced)
    members: dict[str, set[str]] = defaultdict(set)
    for module, label in labels.items():
        if module not in seeds and label in claimed:
            members[label].add(module)
    inside: dict[str, float] = defaultdict(float)
    to_seeds: dict[str, float] = defaultdict(float)
    for (a, b), w in weights.items():
        for here, there in ((a, b), (b, a)):
            if here in seeds or labels.get(here) not in claimed:
                continue
            if there in seeds:
                to_seeds[labels[here]] += w
            elif labels.get(there) == labels[here] and here < there:
                inside[labels[here]] += w
    out = {}
    for label, mods in members.items():
        if len(mods) >= 2 and inside[label] > SEEDED_CLUSTER_MARGIN * to_seeds[label]:
            out.update(dict.fromkeys(mods, label))
    return out


UNCLAIMED = "new package: no seed holds most of its cluster"
COHESIVE = "new package: coupled more within than to the seeds"


def new_package_decisions(new: dict[str, str], names: dict[str, str], reason: str) -> list[Decision]:
    return [Decision(m, names[label], 1.0, None, 0.0, reason) for m, label in sorted(new.items())]
