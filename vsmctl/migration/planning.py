"""`vsmctl roadmap plan`: what can be done next, in order, and what blocks the rest.

A package not started can be extracted now when nothing it imports stays behind: every package
it depends on (in the roadmap or in its code) is extracted already or can be extracted now too
(the same wave), and it imports no monolith code that no package claims. Everything else is
listed with its blockers, each import with its `file:line`. A package in progress gets the next
command to run: resume, the next rollout step of its flag, a parallel run, or `finish`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vsmctl.migration.facts import Facts, gather
from vsmctl.migration.status import (
    CUT_OVER,
    EXTRACTED,
    EXTRACTING,
    FINISHED,
    INTERRUPTED,
    NOT_STARTED,
    MigrationStatus,
    PackageStatus,
    status_from,
)
from vsmctl.roadmap.model import Gates

ROLLOUT_STEPS = (10.0, 50.0, 100.0)  # the canary ladder `plan` suggests for a cut-over flag


@dataclass(frozen=True)
class Blocker:
    reason: str
    package: str | None = None  # the package that must go first (None: unclaimed monolith code)
    path: str | None = None  # relative to the repository
    line: int | None = None

    @property
    def location(self) -> str | None:
        return f"{self.path}:{self.line}" if self.path and self.line else self.path


@dataclass(frozen=True)
class PackageStep:
    name: str
    stage: str
    summary: str
    command: str | None  # the next command to run (None: nothing to run, see why)
    why: str


@dataclass(frozen=True)
class BlockedPackage:
    name: str
    blockers: tuple[Blocker, ...]


@dataclass(frozen=True)
class MigrationPlan:
    extractable_now: tuple[PackageStep, ...]  # in dependency order
    in_progress: tuple[PackageStep, ...]
    blocked: tuple[BlockedPackage, ...]
    nothing_to_extract: tuple[str, ...]  # packages with no monolith code (to be written new)
    finished: tuple[str, ...]
    notes: tuple[str, ...]


def migration_plan(root: Path, roadmap_path: Path | None = None) -> MigrationPlan:
    facts = gather(root, roadmap_path)
    return plan_from(facts, status_from(facts))


def plan_from(facts: Facts, status: MigrationStatus) -> MigrationPlan:
    packages = {p.name: p for p in status.packages}
    done = {p.name for p in _in_stages(packages, EXTRACTED, CUT_OVER, FINISHED)}
    candidates = [p.name for p in _in_stages(packages, NOT_STARTED) if p.modules]
    own = {n: _own_blockers(facts, n) for n in candidates}
    dependencies = {n: _dependencies(facts, n) for n in candidates}
    wave = _wave({n for n in candidates if not own[n]}, dependencies, done)
    blocked = tuple(BlockedPackage(n, own[n] + _waiting_for(facts, dependencies[n], done, wave))
                    for n in candidates if n not in wave)
    return MigrationPlan(
        extractable_now=tuple(_start_step(packages[n]) for n in _dependency_order(sorted(wave), dependencies)),
        in_progress=tuple(_next_step(p, _asked(facts, p.name))
                          for p in _in_stages(packages, EXTRACTING, INTERRUPTED, EXTRACTED, CUT_OVER)),
        blocked=blocked,
        nothing_to_extract=tuple(p.name for p in _in_stages(packages, NOT_STARTED) if not p.modules),
        finished=tuple(p.name for p in _in_stages(packages, FINISHED)),
        notes=status.notes,
    )


def _asked(facts: Facts, name: str) -> Gates:
    phase = facts.roadmap.phase_of(name)
    return phase.gates if phase is not None else Gates(tests="pass")


def _in_stages(packages: dict[str, PackageStatus], *stages: str) -> list[PackageStatus]:
    return [p for p in packages.values() if p.stage in stages]


def _wave(ready: set[str], dependencies: dict[str, dict[str, tuple[Any, ...]]], done: set[str]) -> set[str]:
    """The largest set of packages that can go now together: drop whatever depends on a package
    that is neither extracted nor in the set, until nothing changes."""
    wave = set(ready)
    changed = True
    while changed:
        changed = False
        for name in sorted(wave):
            if any(d not in done and d not in wave for d in dependencies[name]):
                wave.discard(name)
                changed = True
    return wave


def _rel(facts: Facts, graph: Any, module: str) -> str:
    path = Path(graph.root) / graph.modules[module].path
    return os.path.relpath(path, facts.root).replace(os.sep, "/")


def _own_blockers(facts: Facts, name: str) -> tuple[Blocker, ...]:
    """Imports of monolith code no roadmap package claims: it would stay behind."""
    report = facts.analysis.report
    if report is None:
        return ()
    graph = report.graph
    return tuple(Blocker(f"imports {site.imported}, which no roadmap package claims (give it a package or move it "
                         f"into {name})", None, _rel(facts, graph, site.importer), site.line)
                 for site in report.monolith_imports.get(name, ()))


def _dependencies(facts: Facts, name: str) -> dict[str, tuple[Any, ...]]:
    """Packages `name` needs first: its roadmap depends_on, and whatever its code imports."""
    needed: dict[str, tuple[Any, ...]] = {dep: () for dep in facts.roadmap.package(name).depends_on}
    report = facts.analysis.report
    if report is not None:
        for edge in report.package_edges:
            if edge.source == name:
                needed[edge.target] = edge.sites
    return needed


def _waiting_for(facts: Facts, dependencies: dict[str, tuple[Any, ...]], done: set[str],
                 wave: set[str]) -> tuple[Blocker, ...]:
    report = facts.analysis.report
    blockers = []
    for dep, sites in sorted(dependencies.items()):
        if dep in done or dep in wave:
            continue
        if not sites:
            blockers.append(Blocker(f"depends on {dep} (roadmap depends_on), not extracted yet", dep))
            continue
        for site in sites:
            blockers.append(Blocker(f"imports {site.imported} of {dep}, not extracted yet", dep,
                                    _rel(facts, report.graph, site.importer) if report else None, site.line))
    return tuple(blockers)


def _dependency_order(names: list[str], dependencies: dict[str, dict[str, tuple[Any, ...]]]) -> list[str]:
    """Dependencies first; ties alphabetical (the depends_on graph has no cycle, the loader checks)."""
    ordered: list[str] = []
    pending = list(names)
    while pending:
        ready = [n for n in pending if not any(d in pending for d in dependencies[n] if d != n)]
        if not ready:  # a cycle through code imports: keep the rest alphabetical
            ready = pending[:1]
        ordered.extend(ready)
        pending = [n for n in pending if n not in ready]
    return ordered


def _start_step(package: PackageStatus) -> PackageStep:
    via = "" if package.approach == "strangler" else " --via abstraction"
    return PackageStep(package.name, package.stage, package.summary,
                       f"vsmctl extract subsystem {package.name}{via}",
                       f"its dependencies are extracted or go in this wave ({package.approach})")


def _next_step(package: PackageStatus, asked: Gates) -> PackageStep:
    name = package.name
    if package.stage == EXTRACTING:
        return PackageStep(name, package.stage, package.summary, None, "a vsmctl process is running its next step")
    if package.stage == INTERRUPTED:
        return PackageStep(name, package.stage, package.summary, f"vsmctl extract resume {name}",
                           f"or `vsmctl extract rollback {name}` to start over")
    unmet = [g for g in package.gates if not g.held]
    flag = f"extract.{name}"
    rollout = next((g for g in unmet if g.name == "flag_rollout"), None)
    percent = package.rollout.percent if package.rollout is not None else 0.0
    if package.approach == "abstraction" and package.rollout is not None and (rollout is not None or percent < 100):
        step = next((s for s in ROLLOUT_STEPS if s > percent), 100.0)
        return PackageStep(name, package.stage, package.summary,
                           f"vsmctl flag flip {flag} on --percent {step:g}",
                           f"the next rollout step (now {percent:g}%); record a parallel run in between")
    parallel = [g for g in unmet if g.name in ("parallel_run", "parallel_run_match", "latency_ratio", "min_samples")]
    if parallel:
        return PackageStep(name, package.stage, package.summary, f"vsmctl parallel-run gate {flag}" + _thresholds(
            asked), "; ".join(g.detail for g in parallel))
    if unmet:
        return PackageStep(name, package.stage, package.summary, f"vsmctl roadmap gates {package.phase}",
                           "; ".join(f"{g.name}: {g.detail}" for g in unmet))
    return PackageStep(name, package.stage, package.summary, f"vsmctl extract finish {name}",
                       "every gate of its phase holds: remove the old code")


def _thresholds(asked: Gates) -> str:
    """The phase's parallel-run gates as `parallel-run gate` options."""
    options = (("--min-match", asked.parallel_run_match), ("--max-latency-ratio", asked.latency_ratio),
               ("--min-samples", asked.min_samples))
    return "".join(f" {option} {value:g}" for option, value in options if value is not None)
