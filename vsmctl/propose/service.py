"""The `analyze monolith --propose` service."""

from __future__ import annotations

from pathlib import Path

from vsmctl.analysis.frontend import Progress
from vsmctl.analysis.model import ModuleGraph
from vsmctl.analysis.report import gc_paused, load_graph
from vsmctl.errors import CheckFailed, InputError
from vsmctl.propose.atoms import Atoms, build_atoms
from vsmctl.propose.community import HUB_SHARE, UNPLACED, Clustering, communities, find_hubs
from vsmctl.propose.coupling import across_cycles_halved, add_weights, import_weights, into_foundation_scaled
from vsmctl.propose.layers import foundation
from vsmctl.propose.proposal import Notes, Proposal, describe, suggest_names
from vsmctl.propose.roadmap_writer import PackagePlan, WriteResult, write_proposal
from vsmctl.propose.roles import composition_roots
from vsmctl.propose.scoring import score
from vsmctl.propose.seeded import (
    COHESIVE,
    UNCLAIMED,
    Decision,
    assign_seeded,
    containment_links,
    new_package_decisions,
    new_packages,
    unclaimed_parts,
)
from vsmctl.roadmap.loader import load_roadmap
from vsmctl.roadmap.model import Roadmap
from vsmctl.roadmap.patterns import assign


def propose_boundaries(path: Path, roadmap_path: Path | None = None, packages: int | None = None,
                       history: int = 0, cut_cycles: bool = True, excludes: tuple[str, ...] = (),
                       use_cache: bool = True, progress: Progress | None = None,
                       language: str | None = None) -> tuple[ModuleGraph, Proposal]:
    """`cut_cycles=False` keeps each import cycle in one package (the old default: a large cycle
    then glues most of a codebase into one cluster, so cycles are cut at their weakest edges)."""
    if packages is not None and packages < 1:
        raise InputError(f"--packages must be at least 1, got {packages}")
    roadmap = load_roadmap(roadmap_path) if roadmap_path else None
    with gc_paused():
        graph, _ = load_graph(path, excludes, use_cache, progress, language)
    atoms = build_atoms(graph, cut_cycles)
    weights = import_weights(graph)
    base = foundation(graph)
    clustered = into_foundation_scaled(across_cycles_halved(graph, weights), base)
    if history:
        from vsmctl.propose.history import change_coupling

        co_change = change_coupling(graph, history)
        weights, clustered = add_weights(weights, co_change), add_weights(clustered, co_change)
    seeds = assign(roadmap, graph.modules).package_of if roadmap is not None else {}
    is_package = {m: info.is_package for m, info in graph.modules.items()}
    clustering = communities(atoms, clustered, set(graph.edges()), is_package, None if seeds else packages, base)
    if seeds:
        partition, decisions = _seeded(graph, atoms, weights, seeds, clustering)
        mode, note = "seeded", None
    else:
        partition = {m: label for m, label in clustering.labels.items() if label != UNPLACED}
        decisions = []
        mode, note = "unsupervised", clustering.note
    roots = composition_roots(graph, partition, set(seeds))
    for module in roots:
        partition.pop(module, None)
    if not seeds:
        partition = _named(graph, partition)
    decisions = [d for d in decisions if d.module not in roots]
    decisions += [Decision(m, None, 0.0, None, 0.0, "composition root: imports many packages, none of which "
                           "imports it; left at the top") for m in sorted(roots)]
    edges = [(a, b, w) for (a, b), w in weights.items()]
    return graph, describe(graph, partition, mode, score(partition, edges), roadmap,
                           tuple(sorted(decisions, key=lambda d: d.module)), _bound(atoms, partition),
                           Notes(clustering.hubs, clustering.placed_by_folder, tuple(sorted(roots)), note))


def _named(graph: ModuleGraph, labels: dict[str, str]) -> dict[str, str]:
    clusters: dict[str, list[str]] = {}
    for module, label in labels.items():
        clusters.setdefault(label, []).append(module)
    names = suggest_names(graph, clusters)
    return {m: names[label] for m, label in labels.items()}


def _seeded(graph: ModuleGraph, atoms: Atoms, weights: dict[tuple[str, str], float], seeds: dict[str, str],
            clustering: Clustering) -> tuple[dict[str, str], list[Decision]]:
    """Seeds stay; the unseeded part of a cluster no seed claims becomes a new package, as in
    unsupervised mode; so does the part of a claimed cluster that holds together on its own; the
    rest goes where it is most coupled (the package layout breaks ties, as a weak link: said in
    the docs)."""
    # Whether a cluster leans on the seeds is judged without the widely imported modules (half the
    # clustering's hub share): a link to what everything imports says nothing of where a module belongs.
    widely_used = find_hubs(atoms, set(graph.edges()), HUB_SHARE / 2)
    hubs = tuple(m for atom in widely_used for m in atoms.members[atom])
    unclaimed = unclaimed_parts(clustering.labels, seeds, UNPLACED)
    cohesive = new_packages(clustering.labels, seeds, weights, UNPLACED, hubs)
    clusters: dict[str, list[str]] = {}
    for module, label in {**unclaimed, **cohesive}.items():
        clusters.setdefault(label, []).append(module)
    names = suggest_names(graph, clusters, set(seeds.values()))
    fixed = {**seeds, **{m: names[label] for label, members in clusters.items() for m in members}}
    partition, decisions = assign_seeded(atoms, add_weights(weights, containment_links(list(graph.modules))), fixed)
    return partition, (decisions + new_package_decisions(unclaimed, names, UNCLAIMED)
                       + new_package_decisions(cohesive, names, COHESIVE))


def _bound(atoms: Atoms, partition: dict[str, str]) -> dict[str, tuple[str, ...]]:
    """Groups that must move together, listed under their package only when all of them are in it."""
    bound: dict[str, set[str]] = {}
    for atom, members in atoms.members.items():
        homes = {partition.get(m) for m in members}
        if len(members) > 1 and len(homes) == 1 and None not in homes:
            why = ", ".join(atoms.reasons.get(atom, ()))
            bound.setdefault(partition[members[0]], set()).add(f"{', '.join(members)} ({why})")
    return {k: tuple(sorted(v)) for k, v in bound.items()}


def write_to_roadmap(roadmap_path: Path, proposal: Proposal, graph: ModuleGraph) -> WriteResult:
    """Store the proposal in roadmap.yaml as patterns (comments and order kept), unless the result
    would break its own layering more often than the roadmap it replaces (a new roadmap: more
    often than the edges the proposal itself says to invert)."""
    from vsmctl.analysis.report import build_report

    wave_of = {p: i for i, wave in enumerate(proposal.order) for p in wave.packages}
    plans = [PackagePlan(p.name, p.members, p.cohesion, p.depends_on, wave_of.get(p.name, 0))
             for p in proposal.packages]
    if roadmap_path.exists():
        allowed = len(build_report(graph, load_roadmap(roadmap_path)).violations)
        against = f"the {allowed} of the current {roadmap_path.name}"
    else:
        allowed = sum(len(w.invert) for w in proposal.order)
        against = f"the {allowed} edge(s) the proposal says to invert"

    def vet(written: Roadmap) -> None:
        violations = build_report(graph, written).violations
        if len(violations) > allowed:
            shown = "; ".join(v.message for v in violations[:3])
            raise CheckFailed(f"--write refused, {roadmap_path} unchanged: the result would have {len(violations)} "
                              f"layering violation(s), more than {against} ({shown}"
                              f"{' …' if len(violations) > 3 else ''})")

    return write_proposal(roadmap_path, plans, len(proposal.order), list(graph.modules), vet)
