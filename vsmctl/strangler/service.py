"""The `vsmctl extract` services: from a roadmap package name to an extraction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from vsmctl.errors import CheckFailed, InputError
from vsmctl.gates.evaluate import GateResult, evaluate
from vsmctl.gates.evidence import gather
from vsmctl.gc_pause import gc_paused
from vsmctl.roadmap.loader import load_roadmap
from vsmctl.roadmap.model import Gates, Roadmap
from vsmctl.strangler.early_checkout import early_checkout
from vsmctl.strangler.plan import ExtractionPlan, make_plan
from vsmctl.strangler.records import StepRecord, records_of
from vsmctl.strangler.runner import Extraction, Options, Progress
from vsmctl.strangler.state import ExtractionState, check_name


def _roadmap(root: Path, roadmap_path: Path | None) -> Roadmap:
    from vsmctl.roadmap.resolve import find_roadmap

    path = find_roadmap(root, roadmap_path, required=True)
    assert path is not None
    return load_roadmap(path)


def plan_extraction(root: Path, name: str, via: str, roadmap_path: Path | None = None,
                    monolith: Path | None = None) -> tuple[Roadmap, ExtractionPlan]:
    extraction, roadmap = _checked(root, name, via, roadmap_path)
    return roadmap, _plan(extraction, roadmap, name, via, monolith)


def _checked(root: Path, name: str, via: str, roadmap_path: Path | None) -> tuple[Extraction, Roadmap]:
    if via not in ("strangler", "abstraction"):
        raise InputError(f"--via must be strangler or abstraction, not '{via}'")
    extraction = Extraction(root)
    roadmap = _roadmap(extraction.root, roadmap_path)
    check_name(name)
    return extraction, roadmap


def _plan(extraction: Extraction, roadmap: Roadmap, name: str, via: str, monolith: Path | None) -> ExtractionPlan:
    with gc_paused():
        return make_plan(extraction.root, roadmap, name, via, monolith)


def extract(root: Path, name: str, via: str, roadmap_path: Path | None = None, monolith: Path | None = None,
            template: str | None = None, no_shims: bool = False, actor: str = "vsmctl",
            progress: Progress | None = None) -> ExtractionState:
    if via not in ("strangler", "abstraction"):
        raise InputError(f"--via must be strangler or abstraction, not '{via}'")
    # the worktree's checkout (the whole monolith) runs while vsmctl loads the roadmap and plans
    with early_checkout(root, check_name(name)) as prepared:
        extraction, roadmap = _checked(root, name, via, roadmap_path)
        plan = _plan(extraction, roadmap, name, via, monolith)
        options = Options(roadmap.test_command, roadmap.python, template, no_shims, actor)
        return Extraction(root, progress).start(plan, options, prepared)


def dry_run(root: Path, name: str, via: str, roadmap_path: Path | None = None, monolith: Path | None = None,
            template: str | None = None, no_shims: bool = False) -> tuple[ExtractionPlan, str]:
    _, plan = plan_extraction(root, name, via, roadmap_path, monolith)
    return plan, Extraction(root).dry_run(plan, template, no_shims)


def phase_gates(roadmap: Roadmap, package: str) -> Gates:
    phase = roadmap.phase_of(package)
    return phase.gates if phase is not None else Gates(tests="pass")


def finish(root: Path, name: str, roadmap_path: Path | None = None, actor: str = "vsmctl",
           count_violations: Callable[[Path, Path | None], int] | None = None, allow_breaking: bool = False,
           force: bool = False, progress: Progress | None = None) -> tuple[ExtractionState, list[GateResult]]:
    """The old code goes, once every gate of the package's phase holds (all unmet ones named)."""
    extraction = Extraction(root, progress)
    roadmap = _roadmap(extraction.root, roadmap_path)
    gates = phase_gates(roadmap, check_name(name))

    def check(plan: ExtractionPlan, breaking: list[str] | None) -> list[GateResult]:
        count = (lambda: count_violations(extraction.root, roadmap.path)) if count_violations else None
        evidence = replace(gather(extraction.root, plan.flag, gates, count),
                           api_breaks=None if breaking is None else tuple(breaking))
        results = list(evaluate(gates, evidence, allow_breaking=allow_breaking))
        unmet = [r for r in results if not r.held]
        if unmet:
            raise CheckFailed("; ".join(f"gate {r.name}: {r.detail}" for r in unmet))
        return results

    return extraction.finish(check_name(name), check, actor, allow_breaking, force)


def status(root: Path, name: str | None = None) -> list[ExtractionState]:
    extraction = Extraction(root)
    return [extraction.load(check_name(name))] if name else extraction.all_states()


def resume(root: Path, name: str, actor: str, progress: Progress | None = None) -> ExtractionState:
    """Go on; with the roadmap's test command as it is now (the user may have widened it)."""
    from vsmctl.roadmap.resolve import find_roadmap

    extraction = Extraction(root, progress)
    path = find_roadmap(extraction.root, None, required=False)
    command = load_roadmap(path).test_command if path is not None else None
    return extraction.resume(check_name(name), actor, command)


def step_records(root: Path, state: ExtractionState) -> list[StepRecord]:
    """What each done step of an extraction did, from its event (for `--json`)."""
    return records_of(Extraction(root).git, state)


def rollback(root: Path, name: str, to: str | None, actor: str, force: bool = False) -> str:
    return Extraction(root).rollback(check_name(name), to, actor, force)
