"""The `analyze monolith` service: from a folder (and a roadmap) to one AnalysisReport."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from pathlib import Path

from vsmctl.analysis import cache
from vsmctl.analysis.cycles import Breakers, Cycle, minimum_breakers, strongly_connected
from vsmctl.analysis.frontend import Progress
from vsmctl.analysis.frontends import frontend_for
from vsmctl.analysis.metrics import GroupMetrics, component_of_factory, group_metrics
from vsmctl.analysis.model import (
    COMPILE,
    KIND_ORDER,
    KINDS_OF,
    TYPE_CHECKING,
    ImportSite,
    ModuleGraph,
    Problem,
    edge_kind,
)
from vsmctl.gc_pause import gc_paused
from vsmctl.roadmap.loader import load_roadmap
from vsmctl.roadmap.model import Roadmap
from vsmctl.roadmap.patterns import Assignment, assign
from vsmctl.workspace import Workspace

# Breaker cost of a declared edge: more than any count of imports, so a declared edge is cut
# only when no equally small set of undeclared ones does it.
DECLARED_COST = 1_000_000


@dataclass(frozen=True)
class ModuleMetrics:
    name: str
    path: str
    lines: int
    fan_in: int
    fan_out: int
    instability: float
    package: str | None


@dataclass(frozen=True)
class PackageEdge:
    source: str
    target: str
    kind: str
    sites: tuple[ImportSite, ...]
    declared: bool  # target is in source's depends_on

    @property
    def weight(self) -> int:
        return len(self.sites)


@dataclass(frozen=True)
class Violation:
    source: str
    target: str
    rule: str  # "upward" (against the layering) or "undeclared" (missing from depends_on)
    message: str
    sites: tuple[ImportSite, ...]


@dataclass(frozen=True)
class AnalysisReport:
    graph: ModuleGraph
    cached: bool
    roadmap: Roadmap | None
    components: tuple[GroupMetrics, ...]
    modules: tuple[ModuleMetrics, ...]
    cycles: tuple[Cycle, ...]
    assignment: Assignment | None = None
    packages: tuple[GroupMetrics, ...] = ()
    package_edges: tuple[PackageEdge, ...] = ()
    violations: tuple[Violation, ...] = ()
    package_cycles: tuple[Cycle, ...] = ()
    breakers: Breakers | None = None
    monolith_imports: dict[str, tuple[ImportSite, ...]] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    # Members of the module and package cycles that hold a compile-time edge (Elixir): a change
    # to any member recompiles the others, and no member can leave before the edge is cut.
    compile_time_cycles: frozenset[tuple[str, ...]] = frozenset()

    @property
    def problems(self) -> tuple[Problem, ...]:
        return self.graph.problems

    def kind_counts(self) -> dict[str, int]:
        """Import statements per kind: every kind of the graph's language, and any other found."""
        counts = dict.fromkeys(KINDS_OF.get(self.graph.language, ()), 0)
        for site in self.graph.imports:
            counts[site.kind] = counts.get(site.kind, 0) + 1
        return {k: counts[k] for k in sorted(counts, key=_kind_rank)}


def analyze_monolith(
    path: Path,
    roadmap_path: Path | Roadmap | None = None,
    excludes: tuple[str, ...] = (),
    use_cache: bool = True,
    progress: Progress | None = None,
    language: str | None = None,
) -> AnalysisReport:
    """`roadmap_path` may also be an already loaded Roadmap; `language` overrides the frontend's claim."""
    # a path is loaded first: a bad roadmap fails fast, before the analysis
    roadmap = roadmap_path if roadmap_path is None or isinstance(roadmap_path, Roadmap) else load_roadmap(roadmap_path)
    with gc_paused():
        graph, cached = load_graph(path, excludes, use_cache, progress, language)
        return build_report(graph, roadmap, cached)


def load_graph(path: Path, excludes: tuple[str, ...] = (), use_cache: bool = True,
               progress: Progress | None = None, language: str | None = None) -> tuple[ModuleGraph, bool]:
    """The module graph of the monolith at `path`, from the cache when nothing changed."""
    frontend = frontend_for(path, language)
    found = frontend.discover(Path(path), excludes)
    workspace = Workspace.at(found.root)
    prefix = _repo_prefix(found.root, workspace.root)
    if use_cache:
        hit = cache.load(workspace.cache_dir, found)
        if hit is not None:
            return replace(hit, repo_prefix=prefix), True
    graph = frontend.build(found, progress)
    if use_cache:
        try:
            workspace.ensure_vsm_dir()
            cache.store(workspace.cache_dir, found, graph)
        except Exception:
            pass  # a read-only workspace: analyze without caching
    return replace(graph, repo_prefix=prefix), False


def load_graph_into(path: Path, select: Callable[[list[str]], Collection[str]]) -> ModuleGraph:
    """The module graph of the monolith at `path` for an extraction's plan: every module, and the
    import sites into the modules `select` picks from their names. A frontend that can
    (`build_into`) reads only the files that can import those, and the graph holds only their
    sites; another builds the whole graph. Never cached: the graph is not whole."""
    frontend = frontend_for(path)
    found = frontend.discover(Path(path), ())
    build_into = getattr(frontend, "build_into", None)
    graph = build_into(found, select) if build_into is not None else frontend.build(found, None)
    return replace(graph, repo_prefix=_repo_prefix(found.root, Workspace.at(found.root).root))


def _repo_prefix(root: Path, repo_root: Path) -> str:
    try:
        rel = Path(root).resolve().relative_to(Path(repo_root).resolve()).as_posix()
    except ValueError:
        return ""
    return "" if rel == "." else rel + "/"


def build_report(graph: ModuleGraph, roadmap: Roadmap | None, cached: bool = False) -> AnalysisReport:
    edges = graph.edges()
    runtime_edges = [k for k, sites in edges.items() if edge_kind(sites) != TYPE_CHECKING]
    component_of = component_of_factory(graph)
    components = tuple(group_metrics(graph, component_of))
    cycles = tuple(strongly_connected(runtime_edges))
    fan_in: dict[str, int] = dict.fromkeys(graph.modules, 0)
    fan_out: dict[str, int] = dict.fromkeys(graph.modules, 0)
    for a, b in edges:
        fan_out[a] += 1
        fan_in[b] += 1
    warnings = [f"{p.location(graph.repo_prefix)}: {p.message}" for p in graph.problems]
    compile_edges = {k for k, sites in edges.items() if edge_kind(sites) == COMPILE}
    if roadmap is None:
        modules = tuple(_module_metrics(graph, fan_in, fan_out, {}))
        return AnalysisReport(graph, cached, None, components, modules, cycles, warnings=tuple(warnings),
                              compile_time_cycles=compile_time_cycles(cycles, compile_edges))

    assignment = assign(roadmap, graph.modules)
    package_of = assignment.package_of
    warnings.extend(_assignment_warnings(assignment))
    modules = tuple(_module_metrics(graph, fan_in, fan_out, package_of))
    packages = tuple(group_metrics(graph, package_of.get))
    grouped, monolith_imports = _group_sites(graph, package_of)

    package_edges = [PackageEdge(a, b, edge_kind(sites), tuple(sites), b in roadmap.package(a).depends_on)
                     for (a, b), sites in sorted(grouped.items())]
    violations = [v for e in package_edges if not e.declared and (v := _violation(roadmap, e)) is not None]
    runtime = {(e.source, e.target): e.weight for e in package_edges if e.kind != TYPE_CHECKING}
    # Among the fewest edges that make the graph acyclic, cut the undeclared ones: the declared
    # edges are the plan; a cycle through them is closed by an import the roadmap does not allow.
    costs = {(e.source, e.target): e.weight + (0 if not e.declared else DECLARED_COST)
             for e in package_edges if e.kind != TYPE_CHECKING}
    package_cycles = tuple(strongly_connected(runtime))
    compile_packages = {(e.source, e.target) for e in package_edges if e.kind == COMPILE}
    return AnalysisReport(
        graph=graph, cached=cached, roadmap=roadmap, components=components, modules=modules,
        cycles=cycles, assignment=assignment, packages=packages, package_edges=tuple(package_edges),
        violations=tuple(violations), package_cycles=package_cycles,
        breakers=minimum_breakers(costs),
        monolith_imports={k: tuple(v) for k, v in sorted(monolith_imports.items())},
        warnings=tuple(warnings),
        compile_time_cycles=compile_time_cycles(cycles, compile_edges)
        | compile_time_cycles(package_cycles, compile_packages),
    )


def _assignment_warnings(assignment: Assignment) -> list[str]:
    warnings = [f"roadmap: pattern '{pattern}' of package '{pkg}' matches no module"
                for pkg, pattern in assignment.unmatched_patterns]
    for module, tied in sorted(assignment.ambiguous.items()):
        warnings.append(f"roadmap: module '{module}' is claimed equally by {', '.join(tied)}; "
                        f"assigned to {tied[0]}")
    return warnings


def _group_sites(graph: ModuleGraph, package_of: dict[str, str]
                 ) -> tuple[dict[tuple[str, str], list[ImportSite]], dict[str, list[ImportSite]]]:
    """Import sites between two packages, and from a package to code no package claims."""
    grouped: dict[tuple[str, str], list[ImportSite]] = {}
    monolith_imports: dict[str, list[ImportSite]] = {}
    for site in graph.imports:
        pa, pb = package_of.get(site.importer), package_of.get(site.imported)
        if pa is None or pa == pb:
            continue
        if pb is None:
            monolith_imports.setdefault(pa, []).append(site)
            continue
        grouped.setdefault((pa, pb), []).append(site)
    return grouped, monolith_imports


def _violation(roadmap: Roadmap, edge: PackageEdge) -> Violation | None:
    a, b = edge.source, edge.target
    sites = edge.sites
    if roadmap.ignore_type_checking_imports:
        sites = tuple(s for s in sites if s.kind != TYPE_CHECKING)
        if not sites:
            return None
    if roadmap.rank(b) > roadmap.rank(a):
        return Violation(a, b, "upward", f"{a} ({roadmap.package(a).category}) imports {b} "
                         f"({roadmap.package(b).category}): dependencies must point down the layers", sites)
    return Violation(a, b, "undeclared", f"{a} imports {b}, which is not in its depends_on", sites)


def compile_time_cycles(cycles: tuple[Cycle, ...], compile_edges: set[tuple[str, str]]) -> frozenset[tuple[str, ...]]:
    """The cycles (by members) with a compile-time edge between two of their members.

    Such a cycle is compile-connected, as `mix xref` says: editing any member recompiles the
    module that needs another at compile time, and through the cycle every member with it. A
    runtime cycle costs nothing at build time and can be cut behind a behaviour; this one must
    lose its compile-time edge first (a macro or module-body call turned into a runtime call).
    """
    found = set()
    for cycle in cycles:
        members = set(cycle.members)
        if any(a in members and b in members for a, b in compile_edges):
            found.add(cycle.members)
    return frozenset(found)


def _kind_rank(kind: str) -> int:
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


def _module_metrics(graph: ModuleGraph, fan_in: dict[str, int], fan_out: dict[str, int],
                    package_of: dict[str, str]) -> list[ModuleMetrics]:
    out = []
    for name, info in graph.modules.items():
        ca, ce = fan_in[name], fan_out[name]
        out.append(ModuleMetrics(name, info.path, info.lines, ca, ce,
                                 round(ce / (ca + ce), 3) if ca + ce else 0.0, package_of.get(name)))
    return out


