"""A roadmap phase's gates, evaluated to typed results: one evaluator for `extract finish` and
`roadmap gates`/`roadmap status`.

The evaluator is a pure function of the evidence (the cut-over flag and its history from the
event log, the parallel-run report, the boundary-check count): gathering the evidence is
`gates/evidence.py`'s job, so `roadmap status` gathers it once for every package and the
gates of `extract finish` read exactly the same figures. Each result carries its figure and the
threshold it was held against.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from vsmctl.roadmap.model import Gates


@dataclass(frozen=True)
class GateResult:
    name: str
    held: bool
    detail: str
    value: float | None = None  # the figure the gate looked at (None: there is none yet)
    needed: float | None = None  # the roadmap's threshold


@dataclass(frozen=True)
class FlagEvent:
    """One change of the cut-over flag: when, and the definition after it (None: deleted)."""

    time: str
    after: dict[str, Any] | None


@dataclass(frozen=True)
class ParallelFigures:
    """What the parallel-run store says about the package's experiment."""

    samples: int
    match_rate: float  # percent
    latency_ratio: float | None  # candidate p95 / control p95


@dataclass(frozen=True)
class Evidence:
    flag_name: str
    flag: dict[str, Any] | None  # the cut-over flag now (None: no such flag, strangler fig)
    history: tuple[FlagEvent, ...] = ()
    parallel: ParallelFigures | None = None
    parallel_problem: str | None = None  # why there are no figures (no store, no observations)
    violations: int | None = None  # boundary violations still open (None: not counted)
    api_breaks: tuple[str, ...] | None = None  # the moved code's breaking API changes (None: not compared)


def rollout_percent(flag: dict[str, Any] | None) -> float:
    """The share of targeting keys the flag serves the new code: its rollout, 0 unless enabled."""
    if not flag or flag.get("state") != "enabled":
        return 0.0
    return float((flag.get("rollout") or {}).get("percent", 0))


def evaluate(gates: Gates, evidence: Evidence, now: datetime | None = None,
             allow_breaking: bool = False) -> tuple[GateResult, ...]:
    """Every gate the phase asks for, in the roadmap's order of gate kinds."""
    results: list[GateResult] = []
    if gates.tests is not None:
        results.append(GateResult("tests", True, "each step ran the monolith's tests (a failing step is undone, "
                                  "and so is the finish step)"))
    if gates.flag_rollout is not None:
        results.append(_flag_rollout(evidence, gates.flag_rollout))
    if gates.soak is not None:
        results.append(_soak(evidence, gates.soak, now or datetime.now(UTC)))
    results += _parallel_run(evidence, gates)
    if gates.violations is not None:
        results.append(_violations(evidence.violations, gates.violations))
    if gates.api_compatible:
        results.append(_api_compatible(evidence.api_breaks, allow_breaking))
    return tuple(results)


def _api_compatible(breaks: tuple[str, ...] | None, allowed: bool) -> GateResult:
    if breaks is None:
        return GateResult("api_compatible", False, "the public APIs were not compared (this language's backend "
                          "has no API check): drop the gate or check by hand")
    if not breaks:
        return GateResult("api_compatible", True, "no breaking change in the moved code's public API (griffe)")
    detail = f"{len(breaks)} breaking change(s) in the moved code's public API: {'; '.join(breaks)}"
    return GateResult("api_compatible", allowed, detail + (" (allowed: --allow-breaking)" if allowed else ""))


def _flag_rollout(evidence: Evidence, needed: float) -> GateResult:
    if evidence.flag is None:
        return GateResult("flag_rollout", True, f"no flag {evidence.flag_name} (strangler fig routes by imports): "
                          "nothing to wait for", None, needed)
    percent = rollout_percent(evidence.flag)
    if percent < needed:
        return GateResult("flag_rollout", False, f"{evidence.flag_name} serves the new package to {percent:g}% "
                          f"(needs {needed:g}%): vsmctl flag flip {evidence.flag_name} on", percent, needed)
    return GateResult("flag_rollout", True, f"{evidence.flag_name} at {percent:g}%", percent, needed)


def full_since(history: tuple[FlagEvent, ...]) -> str | None:
    """When the flag last started serving 100% without a break since (None: it does not now)."""
    since: str | None = None
    for event in history:
        since = (since or event.time) if rollout_percent(event.after) >= 100 else None
    return since


def _soak(evidence: Evidence, seconds: float, now: datetime) -> GateResult:
    since = full_since(evidence.history)
    if since is None:
        return GateResult("soak", False, f"{evidence.flag_name} does not serve 100% yet", 0.0, seconds)
    start = datetime.fromisoformat(since.replace("Z", "+00:00"))
    held = (now - start).total_seconds()
    return GateResult("soak", held >= seconds, f"{evidence.flag_name} at 100% for {held / 3600:.1f} h "
                      f"(needs {seconds / 3600:.1f} h)", round(held, 1), seconds)


def _parallel_run(evidence: Evidence, gates: Gates) -> list[GateResult]:
    if gates.parallel_run_match is None and gates.latency_ratio is None and gates.min_samples is None:
        return []
    figures = evidence.parallel
    experiment = f"(experiment {evidence.flag_name})"
    if figures is None:
        return [GateResult("parallel_run", False, f"{evidence.parallel_problem or 'no observations'} {experiment}")]
    results = []
    if gates.min_samples is not None:
        results.append(GateResult("min_samples", figures.samples >= gates.min_samples,
                                  f"{figures.samples} samples, at least {gates.min_samples} needed {experiment}",
                                  figures.samples, gates.min_samples))
    if gates.parallel_run_match is not None:
        held = figures.samples > 0 and figures.match_rate >= gates.parallel_run_match
        results.append(GateResult("parallel_run_match", held, f"{figures.match_rate}% matched, at least "
                                  f"{gates.parallel_run_match}% needed {experiment}", figures.match_rate,
                                  gates.parallel_run_match))
    if gates.latency_ratio is not None:
        ratio = figures.latency_ratio
        held = ratio is not None and ratio <= gates.latency_ratio
        results.append(GateResult("latency_ratio", held, f"candidate p95 / control p95 = {ratio}, at most "
                                  f"{gates.latency_ratio} allowed {experiment}", ratio, gates.latency_ratio))
    return results


def _violations(found: int | None, allowed: int) -> GateResult:
    if found is None:
        return GateResult("violations", False, "no boundary check was run (vsmctl check)", None, allowed)
    return GateResult("violations", found <= allowed,
                      f"{found} new boundary violation(s) from vsmctl check (at most {allowed})", found, allowed)
