"""The roadmap phase's gates, evaluated to typed results before `extract finish` removes old code.

One function per gate; each returns a GateResult (held, or why not). `tests` is checked by the
finish step itself: the step is undone when the monolith's tests fail after it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from vsmctl.errors import InputError
from vsmctl.roadmap.model import Gates
from vsmctl.strangler.plan import ExtractionPlan


@dataclass(frozen=True)
class GateResult:
    name: str
    held: bool
    detail: str


def evaluate(root: Path, plan: ExtractionPlan, gates: Gates,
             count_violations: Callable[[], int] | None = None) -> tuple[GateResult, ...]:
    """Every gate the phase asks for. `count_violations` is `vsmctl check`'s count of new boundary
    violations, handed in by the caller (the check feature is a sibling, not a dependency)."""
    results: list[GateResult] = []
    if gates.tests is not None:
        results.append(GateResult("tests", True, "run after the finish step (it is undone if they fail)"))
    if gates.flag_rollout is not None:
        results.append(_flag_rollout(root, plan, gates.flag_rollout))
    if gates.soak is not None:
        results.append(_soak(root, plan, gates.soak))
    results += _parallel_run(root, plan, gates)
    if gates.violations is not None:
        results.append(_violations(count_violations, gates.violations))
    if gates.api_compatible:
        results.append(GateResult("api_compatible", False, "vsmctl cannot compare public APIs yet "
                                  "(griffe's check is not part of it): drop the gate or check by hand"))
    return tuple(results)


def _cutover_flag(root: Path, plan: ExtractionPlan) -> dict[str, Any] | None:
    from vsmctl.flags.store import FlagStore
    from vsmctl.workspace import Workspace

    return FlagStore(Workspace(root)).current().get(plan.flag)


def _full_rollout(flag: dict[str, Any] | None) -> float:
    if not flag or flag.get("state") != "enabled":
        return 0.0
    return float((flag.get("rollout") or {}).get("percent", 0))


def _flag_rollout(root: Path, plan: ExtractionPlan, needed: float) -> GateResult:
    flag = _cutover_flag(root, plan)
    if flag is None:
        return GateResult("flag_rollout", True, f"no flag {plan.flag} (strangler fig routes by imports): "
                                                "nothing to wait for")
    percent = _full_rollout(flag)
    if percent < needed:
        return GateResult("flag_rollout", False, f"{plan.flag} serves the new package to {percent:g}% "
                                                 f"(needs {needed:g}%): vsmctl flag flip {plan.flag} on")
    return GateResult("flag_rollout", True, f"{plan.flag} at {percent:g}%")


def _soak(root: Path, plan: ExtractionPlan, seconds: float) -> GateResult:
    """How long the flag has served 100% without a break, from its events."""
    from vsmctl.flags.store import FlagStore
    from vsmctl.workspace import Workspace

    since: str | None = None
    for event in FlagStore(Workspace(root)).history(plan.flag):
        full = _full_rollout(event.data.get("after")) >= 100
        since = (since or event.time) if full else None
    if since is None:
        return GateResult("soak", False, f"{plan.flag} does not serve 100% yet")
    start = datetime.fromisoformat(since.replace("Z", "+00:00"))
    held = (datetime.now(UTC) - start).total_seconds()
    return GateResult("soak", held >= seconds, f"{plan.flag} at 100% for {held / 3600:.1f} h "
                                               f"(needs {seconds / 3600:.1f} h)")


def _parallel_run(root: Path, plan: ExtractionPlan, gates: Gates) -> list[GateResult]:
    if gates.parallel_run_match is None and gates.latency_ratio is None and gates.min_samples is None:
        return []
    from vsmctl.parallel.report import gate
    from vsmctl.workspace import Workspace

    database = Workspace(root).vsm_dir / "parallel-run.sqlite"
    try:
        result = gate(database, plan.flag, gates.parallel_run_match, gates.latency_ratio, gates.min_samples)
    except InputError as exc:
        return [GateResult("parallel_run", False, f"{exc} (experiment {plan.flag})")]
    names = {"samples": "min_samples", "match rate": "parallel_run_match", "latency": "latency_ratio"}
    return [GateResult(names.get(name, name), held, f"{detail} (experiment {plan.flag})")
            for name, held, detail in result.checks]


def _violations(count_violations: Callable[[], int] | None, allowed: int) -> GateResult:
    if count_violations is None:
        return GateResult("violations", False, "no boundary check was run (vsmctl check)")
    found = count_violations()
    return GateResult("violations", found <= allowed,
                      f"{found} new boundary violation(s) from vsmctl check (at most {allowed})")
