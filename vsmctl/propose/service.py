"""The `analyze monolith --propose` service."""

from __future__ import annotations

from pathlib import Path

from vsmctl.analysis.frontend import Progress
from vsmctl.analysis.model import ModuleGraph
from vsmctl.analysis.report import gc_paused, load_graph
from vsmctl.errors import InputError
from vsmctl.propose.atoms import build_atoms
from vsmctl.propose.community import communities
from vsmctl.propose.coupling import add_weights, import_weights
from vsmctl.propose.proposal import Proposal, describe, suggest_names
from vsmctl.propose.roadmap_writer import PackagePlan, WriteResult, write_proposal
from vsmctl.propose.scoring import score
from vsmctl.propose.seeded import assign_seeded, containment_links
from vsmctl.roadmap.loader import load_roadmap
from vsmctl.roadmap.patterns import assign


def propose_boundaries(path: Path, roadmap_path: Path | None = None, packages: int | None = None,
                       history: int = 0, cut_cycles: bool = False, excludes: tuple[str, ...] = (),
                       use_cache: bool = True, progress: Progress | None = None,
                       language: str | None = None) -> tuple[ModuleGraph, Proposal]:
    if packages is not None and packages < 1:
        raise InputError(f"--packages must be at least 1, got {packages}")
    roadmap = load_roadmap(roadmap_path) if roadmap_path else None
    with gc_paused():
        graph, _ = load_graph(path, excludes, use_cache, progress, language)
    atoms = build_atoms(graph, cut_cycles)
    weights = import_weights(graph)
    if history:
        from vsmctl.propose.history import change_coupling

        weights = add_weights(weights, change_coupling(graph, history))
    edges = [(a, b, w) for (a, b), w in weights.items()]

    seeds = assign(roadmap, graph.modules).package_of if roadmap is not None else {}
    if seeds:
        assert roadmap is not None
        partition, decisions = assign_seeded(atoms, add_weights(weights, containment_links(list(graph.modules))),
                                             seeds)
        resolution = None
        mode = "seeded"
    else:
        labels, resolution = communities(atoms, weights, packages)
        clusters: dict[str, list[str]] = {}
        for module, label in labels.items():
            clusters.setdefault(label, []).append(module)
        names = suggest_names(graph, clusters)
        partition = {m: names[label] for m, label in labels.items()}
        decisions = []
        mode = "unsupervised"
    bound: dict[str, set[str]] = {}
    for atom, members in atoms.members.items():
        if len(members) > 1 and members[0] in partition:
            why = ", ".join(atoms.reasons.get(atom, ()))
            bound.setdefault(partition[members[0]], set()).add(f"{', '.join(members)} ({why})")
    return graph, describe(graph, partition, mode, score(partition, edges), roadmap, resolution, tuple(decisions),
                    {k: tuple(sorted(v)) for k, v in bound.items()})


def write_to_roadmap(roadmap_path: Path, proposal: Proposal, all_modules: list[str]) -> WriteResult:
    """Store the proposal in roadmap.yaml as patterns (comments and order kept)."""
    wave_of = {p: i for i, wave in enumerate(proposal.order) for p in wave}
    plans = [PackagePlan(p.name, p.members, p.cohesion, p.depends_on, wave_of.get(p.name, 0))
             for p in proposal.packages]
    return write_proposal(roadmap_path, plans, len(proposal.order), all_modules)
