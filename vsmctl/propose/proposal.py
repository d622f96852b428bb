"""What a proposal says about each package, the graph between them, and the order to extract them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from vsmctl.analysis.cycles import Breakers, Cycle, components, minimum_breakers, strongly_connected
from vsmctl.analysis.model import TYPE_CHECKING, ImportSite, ModuleGraph, edge_kind
from vsmctl.propose.community import UNCONNECTED
from vsmctl.propose.inversion import names_used
from vsmctl.propose.scoring import Score
from vsmctl.propose.seeded import Decision
from vsmctl.roadmap.model import Roadmap


@dataclass(frozen=True)
class ProposedPackage:
    name: str
    members: tuple[str, ...]
    lines: int
    cohesion: int  # import edges (module pairs) inside the package
    coupling_out: int  # import edges to other proposed packages
    coupling_in: int  # import edges from other proposed packages
    crossing: tuple[ImportSite, ...]  # the import statements that would cross its boundary, outgoing
    depends_on: tuple[str, ...]
    bound: tuple[str, ...] = ()  # why some members must stay together (cycle, private helper)


@dataclass(frozen=True)
class Inversion:
    source: str  # the package that should not import...
    target: str  # ...this one
    names: tuple[str, ...]  # what a protocol in `source` would have to declare
    sites: tuple[ImportSite, ...]


@dataclass(frozen=True)
class Proposal:
    mode: str  # "seeded" or "unsupervised"
    resolution: float | None
    packages: tuple[ProposedPackage, ...]
    edges: tuple[tuple[str, str, int], ...]  # (from, to, import statements)
    cycles: tuple[Cycle, ...]
    breakers: Breakers
    inversions: tuple[Inversion, ...]
    order: tuple[tuple[str, ...], ...]  # extraction waves; a wave with several packages has no order inside
    decisions: tuple[Decision, ...]
    unassigned: tuple[str, ...]
    partition: dict[str, str]  # module -> package name
    score: Score


def suggest_names(graph: ModuleGraph, clusters: dict[str, list[str]]) -> dict[str, str]:
    """cluster label -> a readable, unique name: the Python package most of its members live in."""
    names: dict[str, str] = {}
    used: Counter[str] = Counter()
    for label in sorted(clusters, key=lambda lab: (-len(clusters[lab]), lab)):
        if label == UNCONNECTED:
            names[label] = UNCONNECTED  # modules with no imports either way: nothing to go by
            continue
        homes: Counter[str] = Counter()
        for m in clusters[label]:
            home = m if graph.modules[m].is_package else m.rsplit(".", 1)[0]
            homes[home] += 1
        home = max(sorted(homes), key=homes.__getitem__) if homes else label
        base = home.replace(".", "-").replace("_", "-")
        used[base] += 1
        names[label] = base if used[base] == 1 else f"{base}-{used[base]}"
    return names


@dataclass
class _Crossings:
    """How the module edges fall onto the proposed packages."""

    members: dict[str, list[str]]
    crossing: dict[str, list[ImportSite]]
    between: dict[tuple[str, str], list[ImportSite]]
    cohesion: Counter[str]
    out_edges: Counter[str]
    in_edges: Counter[str]


def _crossings(graph: ModuleGraph, partition: dict[str, str]) -> _Crossings:
    members: dict[str, list[str]] = {}
    for module, pkg in sorted(partition.items()):
        members.setdefault(pkg, []).append(module)
    found = _Crossings(members, {p: [] for p in members}, {}, Counter(), Counter(), Counter())
    for (a, b), sites in graph.edges().items():
        pa, pb = partition.get(a), partition.get(b)
        if pa is None or pb is None:
            continue
        if pa == pb:
            found.cohesion[pa] += 1
            continue
        found.out_edges[pa] += 1
        found.in_edges[pb] += 1
        found.crossing[pa].extend(sites)
        found.between.setdefault((pa, pb), []).extend(sites)
    return found


def _breaking(between: dict[tuple[str, str], list[ImportSite]], mode: str, roadmap: Roadmap | None,
              breakers: Breakers) -> list[tuple[str, str]]:
    """The edges that break the intended layering: against the roadmap's depends_on when there is
    one, else the ones that close a cycle (the breakers)."""
    if roadmap is not None and mode == "seeded":
        declared = {p.name: set(p.depends_on) for p in roadmap.packages}
        return [k for k in between if k[0] in declared and k[1] not in declared[k[0]]]
    return list(breakers.edges)


def _packages(graph: ModuleGraph, found: _Crossings, bound: dict[str, tuple[str, ...]]) -> tuple[ProposedPackage, ...]:
    return tuple(
        ProposedPackage(
            name=p, members=tuple(ms), lines=sum(graph.modules[m].lines for m in ms),
            cohesion=found.cohesion[p], coupling_out=found.out_edges[p], coupling_in=found.in_edges[p],
            crossing=tuple(sorted(found.crossing[p], key=lambda s: (s.importer, s.line))),
            depends_on=tuple(sorted({b for (a, b) in found.between if a == p})),
            bound=bound.get(p, ()),
        )
        for p, ms in sorted(found.members.items())
    )


def describe(graph: ModuleGraph, partition: dict[str, str], mode: str, score: Score,
             roadmap: Roadmap | None = None, resolution: float | None = None,
             decisions: tuple[Decision, ...] = (), bound: dict[str, tuple[str, ...]] | None = None) -> Proposal:
    found = _crossings(graph, partition)
    between = found.between
    edges = tuple(sorted((a, b, len(s)) for (a, b), s in between.items()))
    runtime = {(a, b): len(s) for (a, b), s in between.items() if edge_kind(s) != TYPE_CHECKING}
    cycles = tuple(strongly_connected(runtime))
    breakers = minimum_breakers(runtime)
    inversions = tuple(
        Inversion(a, b, names_used(graph, between[(a, b)]), tuple(between[(a, b)]))
        for a, b in sorted(_breaking(between, mode, roadmap, breakers))
    )
    unassigned = tuple(sorted(m for m in graph.modules if m not in partition))
    return Proposal(mode, resolution, _packages(graph, found, bound or {}), edges, cycles, breakers, inversions,
                    extraction_order(list(found.members), runtime), decisions, unassigned, dict(partition), score)


def extraction_order(packages: list[str], edges: dict[tuple[str, str], int]) -> tuple[tuple[str, ...], ...]:
    """Waves: first the packages that depend on no other proposed package, then those that depend
    only on earlier waves. Packages in one cycle share a wave (they must move together or the
    cycle be cut first)."""
    adj: dict[str, list[str]] = {p: [] for p in packages}
    for a, b in edges:
        adj[a].append(b)
    comp_of: dict[str, int] = {}
    comps = components(adj)
    for i, comp in enumerate(comps):
        for p in comp:
            comp_of[p] = i
    depends: dict[int, set[int]] = {i: set() for i in range(len(comps))}
    for a, b in edges:
        if comp_of[a] != comp_of[b]:
            depends[comp_of[a]].add(comp_of[b])
    waves: list[tuple[str, ...]] = []
    done: set[int] = set()
    while len(done) < len(comps):
        ready = [i for i in depends if i not in done and depends[i] <= done]
        waves.append(tuple(sorted(p for i in ready for p in comps[i])))
        done.update(ready)
    return tuple(waves)
