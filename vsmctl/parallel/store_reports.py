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


# A replayed observation's context is JSON with sorted keys, "$replay" first (replay.REPLAY_MARK).
_REPLAYED = '{"$replay": true%'


def sources(store: Store, experiment: str) -> set[str]:
    """Where an experiment's observations come from: "code" (an experiment in the application)
    and/or "replay" (`parallel-run run`). The two answer different questions; `diff` and `gate`
    refuse to mix them."""
    if is_postgres_url(store):
        from vsmctl.parallel.postgres_report import open_store
        from vsmctl.parallel.postgres_store import SCHEMA

        with open_store(str(store)) as conn:
            row = conn.execute(
                f"SELECT EXISTS (SELECT 1 FROM {SCHEMA}.batches WHERE experiment = %s) OR EXISTS (SELECT 1 FROM "
                f"{SCHEMA}.observations WHERE experiment = %s AND (context IS NULL OR context NOT LIKE %s)), "
                f"EXISTS (SELECT 1 FROM {SCHEMA}.observations WHERE experiment = %s AND context LIKE %s)",
                (experiment, experiment, _REPLAYED, experiment, _REPLAYED)).fetchone()
    else:
        import sqlite3

        if not Path(store).exists():
            return set()
        try:
            db = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
        except sqlite3.Error:
            return set()  # not a database: report() says so in its own words
        try:
            row = db.execute(
                "SELECT EXISTS (SELECT 1 FROM batches WHERE experiment = ?) OR EXISTS (SELECT 1 FROM observations "
                "WHERE experiment = ? AND (context IS NULL OR context NOT LIKE ?)), EXISTS (SELECT 1 FROM "
                "observations WHERE experiment = ? AND context LIKE ?)",
                (experiment, experiment, _REPLAYED, experiment, _REPLAYED)).fetchone()
        except sqlite3.Error:
            return set()
        finally:
            db.close()
    return {name for name, present in zip(("code", "replay"), row, strict=True) if present}


def refuse_mixed(store: Store, experiment: str) -> None:
    """`diff` and `gate` on an experiment recorded both in code and by replay: one clear line."""
    from vsmctl.errors import InputError

    if sources(store, experiment) == {"code", "replay"}:
        raise InputError(f"experiment '{experiment}' has observations recorded in code and replayed by "
                         "`parallel-run run`; they answer different questions and are not merged: replay under "
                         f"another name (e.g. {experiment}.replay)")
