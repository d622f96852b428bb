"""The figures gates are judged on, read from the workspace: the cut-over flags folded from the
event log, and the parallel-run store's report of an experiment."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from vsmctl.errors import InputError
from vsmctl.gates.evaluate import Evidence, FlagEvent, ParallelFigures
from vsmctl.roadmap.model import Gates
from vsmctl.workspace import Workspace

Store = str | Path


def flag_histories(root: Path) -> dict[str, tuple[FlagEvent, ...]]:
    """Every flag's changes, in order, from one read of the event log (flags.json is not consulted:
    it is a projection that may lag or be edited; the log wins)."""
    from vsmctl.flags.store import FlagStore

    histories: dict[str, list[FlagEvent]] = {}
    for event in FlagStore(Workspace(root)).history():
        histories.setdefault(str(event.data["key"]), []).append(FlagEvent(event.time, event.data.get("after")))
    return {key: tuple(events) for key, events in histories.items()}


def current(history: tuple[FlagEvent, ...]) -> dict[str, Any] | None:
    return history[-1].after if history else None


def parallel_store(root: Path) -> Store:
    """VSMCTL_PARALLEL_STORE (a PostgreSQL URL or a SQLite file), else the workspace's SQLite file."""
    from vsmctl.parallel.store_choice import configured_store

    return configured_store() or Workspace(root).vsm_dir / "parallel-run.sqlite"


def parallel_report(store: Store, experiment: str) -> tuple[Any, str | None]:
    """(the store's ExperimentReport or None, why there is none)."""
    from vsmctl.parallel.store_choice import is_postgres_url
    from vsmctl.parallel.store_reports import report

    if not is_postgres_url(store) and not Path(store).exists():
        return None, "no parallel-run observations yet"
    try:
        found = report(store, experiment)
    except InputError as exc:
        return None, str(exc)
    if not found.samples:
        return None, "no parallel-run observations yet"
    return found, None


def figures_of(report: Any) -> ParallelFigures:
    return ParallelFigures(report.samples, report.match_rate, report.ratio.get("p95"))


def _needs_parallel(gates: Gates) -> bool:
    return gates.parallel_run_match is not None or gates.latency_ratio is not None or gates.min_samples is not None


def gather(root: Path, flag_name: str, gates: Gates, count_violations: Callable[[], int] | None = None) -> Evidence:
    """What the gates of one package need, and nothing they do not ask for."""
    history = flag_histories(root).get(flag_name, ()) if gates.flag_rollout is not None or gates.soak is not None \
        else ()
    figures, problem = None, None
    if _needs_parallel(gates):
        report, problem = parallel_report(parallel_store(root), flag_name)
        figures = figures_of(report) if report is not None else None
    violations = count_violations() if gates.violations is not None and count_violations is not None else None
    return Evidence(flag_name, current(history), history, figures, problem, violations)
