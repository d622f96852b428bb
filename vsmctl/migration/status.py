"""`vsmctl roadmap status`: where the migration stands, per phase and package.

A package's stage comes from its extraction branch (strangler/state.py), its cut-over flag from
the event log, its parallel run from the store, its open violations from the boundary check;
the phase's gates are judged by the one evaluator (gates/evaluate.py) on the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from vsmctl.gates.evaluate import Evidence, FlagEvent, GateResult, ParallelFigures, evaluate, rollout_percent
from vsmctl.gates.evidence import current
from vsmctl.migration.facts import Facts, gather
from vsmctl.roadmap.model import Gates, Phase, TargetPackage
from vsmctl.strangler.state import ExtractionState

NOT_STARTED, EXTRACTING, INTERRUPTED = "not_started", "extracting", "interrupted"
EXTRACTED, CUT_OVER, FINISHED = "extracted", "cut_over", "finished"
STAGES = (NOT_STARTED, EXTRACTING, INTERRUPTED, EXTRACTED, CUT_OVER, FINISHED)
UNPHASED = "(no phase)"


@dataclass(frozen=True)
class LastEvent:
    id: str
    type: str
    time: str | None


@dataclass(frozen=True)
class Extraction:
    mode: str  # strangler or abstraction
    branch: str
    done: int  # steps done
    total: int  # steps planned (finish not counted until it is done)
    next_step: str | None
    shims: bool  # strangler: the old paths are shims to the new package
    last_event: LastEvent | None


@dataclass(frozen=True)
class Rollout:
    flag: str
    state: str  # enabled / disabled
    percent: float
    history: tuple[tuple[str, float], ...]  # (time, percent served) after each change


@dataclass(frozen=True)
class ParallelRun:
    experiment: str
    samples: int
    match_rate: float
    latency_ratio: float | None
    timeline: tuple[tuple[str, int, float], ...] = ()  # (rollout step start, samples, match rate)


@dataclass(frozen=True)
class OpenViolation:
    rule: str
    message: str
    path: str | None
    line: int | None
    new: bool  # not in the check baseline


@dataclass(frozen=True)
class PackageStatus:
    name: str
    category: str
    approach: str
    phase: str
    stage: str
    summary: str
    modules: int  # modules of the monolith the roadmap assigns to it (0: nothing to extract)
    extraction: Extraction | None
    rollout: Rollout | None
    parallel: ParallelRun | None
    violations: tuple[OpenViolation, ...]
    gates: tuple[GateResult, ...]

    @property
    def gates_held(self) -> bool:
        return all(g.held for g in self.gates)


@dataclass(frozen=True)
class PhaseStatus:
    name: str
    description: str
    gates: dict[str, object]  # what the roadmap asks, by gate name
    packages: tuple[PackageStatus, ...]

    @property
    def finished(self) -> bool:
        return all(p.stage == FINISHED for p in self.packages)


@dataclass(frozen=True)
class MigrationStatus:
    roadmap: str
    roadmap_path: str | None
    workspace: str
    generated: str
    current_phase: str | None
    phases: tuple[PhaseStatus, ...]
    notes: tuple[str, ...]

    @property
    def packages(self) -> tuple[PackageStatus, ...]:
        return tuple(p for phase in self.phases for p in phase.packages)

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STAGES, 0)
        for package in self.packages:
            counts[package.stage] += 1
        return counts


def migration_status(root: Path, roadmap_path: Path | None = None, with_analysis: bool = True) -> MigrationStatus:
    facts = gather(root, roadmap_path, with_analysis)
    return status_from(facts)


def status_from(facts: Facts, now: datetime | None = None) -> MigrationStatus:
    now = now or datetime.now(UTC)
    module_counts = _module_counts(facts)
    by_package = _violations_by_package(facts)
    phases = []
    for phase in _phases(facts):
        packages = tuple(_package(facts, facts.roadmap.package(name), phase, module_counts.get(name, 0),
                                  by_package.get(name, ()), now) for name in phase.packages)
        phases.append(PhaseStatus(phase.name, phase.description, phase.gates.asked(), packages))
    current_phase = next((p.name for p in phases if not p.finished), None)
    notes = (facts.analysis.problem,) if facts.analysis.problem and facts.analysis.problem != "not asked for" else ()
    return MigrationStatus(facts.roadmap.name, str(facts.roadmap.path) if facts.roadmap.path else None,
                           str(facts.root), now.isoformat(timespec="seconds").replace("+00:00", "Z"),
                           current_phase, tuple(phases), notes)


def _phases(facts: Facts) -> list[Phase]:
    """The roadmap's phases, and the packages no phase names as one more, so every package shows."""
    phases = list(facts.roadmap.phases)
    phased = {name for phase in phases for name in phase.packages}
    rest = tuple(name for name in facts.roadmap.names if name not in phased)
    if rest:
        phases.append(Phase(UNPHASED, rest, "packages no phase names", Gates(tests="pass")))
    return phases


def _module_counts(facts: Facts) -> dict[str, int]:
    report = facts.analysis.report
    if report is None or report.assignment is None:
        return {}
    counts: dict[str, int] = {}
    for package in report.assignment.package_of.values():
        counts[package] = counts.get(package, 0) + 1
    return counts


def _violations_by_package(facts: Facts) -> dict[str, tuple[OpenViolation, ...]]:
    from vsmctl.check.service import package_of_finding

    report, check = facts.analysis.checked, facts.analysis.check
    if report is None or check is None:
        return {}
    new = set(check.new)
    found: dict[str, list[OpenViolation]] = {}
    for finding in check.findings:
        package = package_of_finding(finding, report)
        if package is not None:
            # moved code lies outside the monolith folder: its path from the repository root
            path = report.graph.display_path(finding.path) if (finding.path or "").startswith("..") else finding.path
            found.setdefault(package, []).append(
                OpenViolation(finding.rule, finding.message, path, finding.line, finding in new))
    return {name: tuple(items) for name, items in found.items()}


def _package(facts: Facts, target: TargetPackage, phase: Phase, modules: int,
             violations: tuple[OpenViolation, ...], now: datetime) -> PackageStatus:
    state = facts.states.get(target.name)
    live = state if state is not None and not state.rolled_back else None
    flag_name = str(live.plan.get("flag")) if live is not None else f"extract.{target.name}"
    history = facts.flags.get(flag_name, ())
    rollout = _rollout(flag_name, history)
    parallel, figures, problem = _parallel(facts, flag_name)
    stage, summary = _stage(live, rollout, modules)
    if state is not None and state.rolled_back:
        summary += " (an earlier attempt was rolled back)"
    evidence = Evidence(flag_name, current(history), history, figures, problem,
                        sum(1 for v in violations if v.new) if facts.analysis.check is not None else None)
    gates = _gates(phase.gates, evidence, stage, now)
    return PackageStatus(target.name, target.category, target.approach, phase.name, stage, summary, modules,
                         _extraction(facts, live) if live is not None else None, rollout, parallel,
                         violations, gates)


def _gates(gates: Gates, evidence: Evidence, stage: str, now: datetime) -> tuple[GateResult, ...]:
    results = evaluate(gates, evidence, now)
    if stage in (EXTRACTED, CUT_OVER, FINISHED):
        return results
    # gates are asked before `finish`: a package whose extraction is not complete holds none yet
    return (GateResult("extracted", False, "the extraction is not complete yet"), *results)


def _rollout(flag_name: str, history: tuple[FlagEvent, ...]) -> Rollout | None:
    flag = current(history)
    if flag is None:
        return None
    return Rollout(flag_name, str(flag.get("state")), rollout_percent(flag),
                   tuple((e.time, rollout_percent(e.after)) for e in history))


def _parallel(facts: Facts, experiment: str) -> tuple[ParallelRun | None, ParallelFigures | None, str | None]:
    found = facts.parallel.get(experiment)
    if found is None or found.figures is None:
        return None, None, found.problem if found is not None else "no parallel-run observations yet"
    figures = found.figures
    return (ParallelRun(experiment, figures.samples, figures.match_rate, figures.latency_ratio, found.timeline),
            figures, None)


def _stage(state: ExtractionState | None, rollout: Rollout | None, modules: int) -> tuple[str, str]:
    if state is None:
        return NOT_STARTED, "not started" if modules else "not started (no monolith code assigned to it)"
    if state.finished:
        return FINISHED, "finished: the old code is gone"
    done, total = len(state.done), len(state.steps)
    if state.remaining:
        step = state.remaining[0]
        if state.running:
            return EXTRACTING, f"extracting: step {done + 1} of {total} ({step}) on {state.branch}"
        return INTERRUPTED, f"interrupted at step {done + 1} of {total} ({step}): vsmctl extract resume {state.name}"
    if state.mode == "abstraction":
        percent = rollout.percent if rollout is not None else 0.0
        if percent > 0:
            return CUT_OVER, f"cut over at {percent:g}%"
        return EXTRACTED, "extracted with a facade (flag off: the monolith's code serves)"
    shims = "shim" in state.steps
    return EXTRACTED, "extracted with shims at the old paths" if shims else "extracted (no shims)"


def _extraction(facts: Facts, state: ExtractionState) -> Extraction:
    event = facts.extract_events.get(state.name)
    last: LastEvent | None = None
    if event is not None:
        last = LastEvent(event.id, event.type, event.time)
    elif state.done:
        last = LastEvent(state.done[-1].event, f"extract.{state.done[-1].step}", None)
    steps = [*state.steps, "finish"] if state.finished else list(state.steps)
    return Extraction(state.mode, state.branch, len(state.done), len(steps),
                      state.remaining[0] if state.remaining else None, "shim" in state.steps, last)


def phase_gates(root: Path, roadmap_path: Path | None = None, phase: str | None = None) -> PhaseStatus:
    """One phase (default: the first not finished) with each package's gates judged."""
    from vsmctl.errors import InputError

    status = migration_status(root, roadmap_path)
    if not status.phases:
        raise InputError("the roadmap has no phases (and no packages)")
    name = phase or status.current_phase or status.phases[-1].name
    for candidate in status.phases:
        if candidate.name.casefold() == name.casefold():
            return candidate
    raise InputError(f"no phase '{name}' in the roadmap (phases: {', '.join(p.name for p in status.phases)})")


def status_to_dict(status: MigrationStatus) -> dict[str, Any]:
    """The JSON document of `roadmap status --json` (version 1)."""
    from vsmctl.plain_data import plain

    doc = plain(status)
    for phase, source in zip(doc["phases"], status.phases, strict=True):
        phase["finished"] = source.finished
        for package, pkg in zip(phase["packages"], source.packages, strict=True):
            package["gates_held"] = pkg.gates_held
    return {"version": 1, **doc, "counts": status.counts()}
