"""What a proposal says about each package, the graph between them, and the order to extract them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from vsmctl.analysis.cycles import Breakers, Cycle, components, minimum_breakers, strongly_connected
from vsmctl.analysis.model import TYPE_CHECKING, ImportSite, ModuleGraph, edge_kind
from vsmctl.propose.community import UNPLACED
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
class Notes:
    """What the clustering did that a person should know."""

    hubs: tuple[str, ...] = ()  # imported by much of the code: set aside, then joined their best package
    placed_by_folder: tuple[str, ...] = ()  # no imports either way: placed with their folder's package
    roots: tuple[str, ...] = ()  # composition roots, left at the top
    count: str | None = None  # why --packages N could not be met exactly


@dataclass(frozen=True)
class Wave:
    packages: tuple[str, ...]
    tangle: bool  # the packages import each other in a cycle: untie it (invert `invert`) first
    invert: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Proposal:
    mode: str  # "seeded" or "unsupervised"
    packages: tuple[ProposedPackage, ...]
    edges: tuple[tuple[str, str, int], ...]  # (from, to, import statements)
    cycles: tuple[Cycle, ...]
    breakers: Breakers
    inversions: tuple[Inversion, ...]
    order: tuple[Wave, ...]  # extraction waves; a wave with several packages has no order inside
    decisions: tuple[Decision, ...]
    unassigned: tuple[str, ...]
    partition: dict[str, str]  # module -> package name
    score: Score
    notes: Notes = Notes()


def _common_prefix(modules: list[str]) -> str:
    parts = [m.split(".") for m in modules]
    prefix: list[str] = []
    for group in zip(*parts, strict=False):
        if len(set(group)) > 1:
            break
        prefix.append(group[0])
    return ".".join(prefix)


def _inner_degree(graph: ModuleGraph, cluster_of: dict[str, str]) -> Counter[str]:
    """How many modules of its own cluster each module is linked to by an import."""
    degree: Counter[str] = Counter()
    for a, b in {(s.importer, s.imported) for s in graph.imports}:
        if a != b and a in cluster_of and cluster_of[a] == cluster_of.get(b):
            degree[a] += 1
            degree[b] += 1
    return degree


def _slug(module: str) -> str:
    return module.replace(".", "-").replace("_", "-")


def suggest_names(graph: ModuleGraph, clusters: dict[str, list[str]],
                  taken: set[str] | None = None) -> dict[str, str]:
    """cluster label -> a readable, unique name: the members' common dotted prefix when it says
    more than the top-level package, else the most central member; never a numbered duplicate
    (a taken name falls back to the next most central member, and module names are unique)."""
    names: dict[str, str] = {}
    used: set[str] = set(taken or ())
    degree = _inner_degree(graph, {m: label for label, ms in clusters.items() for m in ms})
    for label in sorted(clusters, key=lambda lab: (-len(clusters[lab]), lab)):
        members = sorted(clusters[label])
        if label == UNPLACED:
            names[label] = UNPLACED  # modules with no imports either way: nothing to go by
            continue
        prefix = _common_prefix(members)
        candidates = ([prefix] if prefix.count(".") >= 1 or len(members) == 1 else [])
        candidates += sorted(members, key=lambda m: (-degree[m], m.count("."), m))  # most central first
        name = next((_slug(c) for c in candidates if _slug(c) not in used), _slug(label))
        used.add(name)
        names[label] = name
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
             roadmap: Roadmap | None = None,
             decisions: tuple[Decision, ...] = (), bound: dict[str, tuple[str, ...]] | None = None,
             notes: Notes | None = None) -> Proposal:
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
    return Proposal(mode, _packages(graph, found, bound or {}), edges, cycles, breakers, inversions,
                    extraction_order(list(found.members), runtime, breakers.edges), decisions, unassigned,
                    dict(partition), score, notes or Notes())


def _condensed(packages: list[str], edges: dict[tuple[str, str], int]) -> tuple[list[list[str]], dict[int, set[int]]]:
    """The package graph's strongly connected components, and which components each depends on."""
    adj: dict[str, list[str]] = {p: [] for p in packages}
    for a, b in edges:
        adj[a].append(b)
    comps = [sorted(c) for c in components(adj)]
    comp_of = {p: i for i, comp in enumerate(comps) for p in comp}
    depends: dict[int, set[int]] = {i: set() for i in range(len(comps))}
    for a, b in edges:
        if comp_of[a] != comp_of[b]:
            depends[comp_of[a]].add(comp_of[b])
    return comps, depends


def extraction_order(packages: list[str], edges: dict[tuple[str, str], int],
                     breakers: tuple[tuple[str, str], ...] = ()) -> tuple[Wave, ...]:
    """Waves: first the packages that depend on no other proposed package, then those that depend
    only on earlier waves. A tangle (packages importing each other in a cycle) is a step of its
    own, to untie before its packages can move: which edges to invert comes with it."""
    comps, depends = _condensed(packages, edges)
    waves: list[Wave] = []
    done: set[int] = set()
    while len(done) < len(comps):
        ready = sorted((i for i in depends if i not in done and depends[i] <= done), key=lambda i: comps[i])
        single = tuple(sorted(p for i in ready if len(comps[i]) == 1 for p in comps[i]))
        if single:
            waves.append(Wave(single, False))
        for tangle in (set(comps[i]) for i in ready if len(comps[i]) > 1):
            invert = tuple(e for e in breakers if e[0] in tangle and e[1] in tangle)
            waves.append(Wave(tuple(sorted(tangle)), True, invert))
        done.update(ready)
    return tuple(waves)
