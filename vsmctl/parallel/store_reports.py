"""`diff` and `gate` on whichever store holds the observations: a SQLite file or PostgreSQL (CLI side)."""

from __future__ import annotations

from pathlib import Path

from vsmctl.parallel.report import ExperimentReport, GateResult, judge
from vsmctl.parallel.store_choice import is_postgres_url

Store = str | Path


def describe(store: Store) -> str:
    """The store for messages: a URL without its password, or the path."""
    if is_postgres_url(store):
        from vsmctl.parallel.postgres_store import redact

        return redact(str(store))
    return str(store)


def experiments(store: Store) -> list[str]:
    if is_postgres_url(store):
        from vsmctl.parallel import postgres_report

        return postgres_report.experiments(str(store))
    from vsmctl.parallel import report as sqlite_report

    return sqlite_report.experiments(Path(store))


def report(store: Store, experiment: str, since: float | None = None) -> ExperimentReport:
    if is_postgres_url(store):
        from vsmctl.parallel import postgres_report

        return postgres_report.report(str(store), experiment, since)
    from vsmctl.parallel import report as sqlite_report

    return sqlite_report.report(Path(store), experiment, since)


def gate(store: Store, experiment: str, min_match: float | None, max_latency_ratio: float | None,
         min_samples: int | None, since: float | None = None) -> GateResult:
    return judge(report(store, experiment, since), min_match, max_latency_ratio, min_samples)
