"""`diff` and `gate` over a PostgreSQL store: the same ExperimentReport as SQLite's, aggregated in SQL.

Counts, shapes, errors and latency histograms are summed by the database; Python sees one row
per status, per difference shape, per error type and per latency bucket, plus a few examples.
"""

from __future__ import annotations

from typing import Any

from vsmctl.errors import InputError
from vsmctl.parallel.latency_histogram import percentile
from vsmctl.parallel.postgres_store import SCHEMA, connect, migrate, redact
from vsmctl.parallel.replay import SECONDARY
from vsmctl.parallel.report import ExperimentReport, Latency, assemble_report, group_shapes, noise_of

OBS = f"{SCHEMA}.observations"
BATCHES = f"{SCHEMA}.batches"
WHERE = "experiment = %s AND time >= %s"


def open_store(url: str) -> Any:
    """A connection to an up-to-date store; an unreachable one is one line (InputError)."""
    try:
        conn = connect(url)
        migrate(conn)  # a store nobody wrote to yet is empty, not an error
    except Exception as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"{redact(url)}: cannot open the parallel-run store ({first})") from None
    return conn


def experiments(url: str) -> list[str]:
    with open_store(url) as conn:
        rows = conn.execute(f"SELECT experiment FROM {OBS} UNION SELECT experiment FROM {BATCHES}").fetchall()
    return sorted(r[0] for r in rows)


def report(url: str, experiment: str, since: float | None = None) -> ExperimentReport:
    with open_store(url) as conn:
        return _report(conn, experiment, -1e300 if since is None else since)


def _report(conn: Any, experiment: str, since: float) -> ExperimentReport:
    args = (experiment, since)
    noise_paths, secondary_samples = _noise(conn, args)
    counts = dict(conn.execute(f"SELECT status, count(*) FROM {OBS} WHERE {WHERE} AND candidate != %s "
                               "GROUP BY status", (*args, SECONDARY)).fetchall())
    batched = conn.execute(f"SELECT coalesce(sum(count), 0), min(first_time), max(last_time) FROM {BATCHES} "
                           "WHERE experiment = %s AND last_time >= %s", args).fetchone()
    first_last = conn.execute(f"SELECT min(time), max(time) FROM {OBS} WHERE {WHERE}", args).fetchone()
    shape_counts = conn.execute(f"SELECT shape, count(*) FROM {OBS} WHERE {WHERE} AND candidate != %s "
                                "AND status = 'mismatch' GROUP BY shape", (*args, SECONDARY)).fetchall()
    shapes, noise = group_shapes(shape_counts, noise_paths, lambda shape, limit: conn.execute(
        f"SELECT control_value, candidate_value, context FROM {OBS} WHERE {WHERE} AND candidate != %s "
        "AND status = 'mismatch' AND shape IS NOT DISTINCT FROM %s LIMIT %s", (*args, SECONDARY, shape, limit)))
    errors = dict(conn.execute(f"SELECT error_type, count(*) FROM {OBS} WHERE {WHERE} AND candidate != %s "
                               "AND error_type IS NOT NULL GROUP BY error_type ORDER BY count(*) DESC",
                               (*args, SECONDARY)).fetchall())
    return assemble_report(experiment, counts=counts, batched=batched, first_last=first_last, shapes=shapes,
                           noise=noise, errors=errors, control=_latency(conn, args, "control"),
                           candidate=_latency(conn, args, "candidate"), noise_paths=noise_paths,
                           secondary_samples=secondary_samples)


def _noise(conn: Any, args: tuple[Any, ...]) -> tuple[set[str], int]:
    """What differs between the control and its secondary (learned noise), and how often they ran."""
    paths = noise_of(conn.execute(f"SELECT DISTINCT shape FROM {OBS} WHERE {WHERE} AND candidate = %s "
                                  "AND status = 'mismatch' AND shape IS NOT NULL", (*args, SECONDARY)))
    samples = conn.execute(f"SELECT count(*) FROM {OBS} WHERE {WHERE} AND candidate = %s",
                           (*args, SECONDARY)).fetchone()[0]
    return paths, samples


def _latency(conn: Any, args: tuple[Any, ...], side: str) -> Latency | None:
    """p50/p95/p99 from the summed histograms of the batches and the buckets of the other rows."""
    rows = conn.execute(
        f"""SELECT bucket, sum(n)::bigint FROM (
                SELECT h.ord - 1 AS bucket, h.n FROM {BATCHES},
                       unnest({side}_hist) WITH ORDINALITY AS h(n, ord)
                 WHERE experiment = %s AND last_time >= %s AND h.n > 0
                UNION ALL
                SELECT {side}_bucket, 1 FROM {OBS}
                 WHERE {WHERE} AND candidate != %s AND status != 'timeout' AND {side}_bucket IS NOT NULL
            ) AS buckets GROUP BY bucket""", (*args, *args, SECONDARY)).fetchall()
    counts = {int(b): int(n) for b, n in rows}
    values = [percentile(counts, q) for q in (0.50, 0.95, 0.99)]
    if values[0] is None:
        return None
    return Latency(*(round(v / 1e6, 4) for v in values if v is not None))
