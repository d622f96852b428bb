"""Observations in PostgreSQL, for a fleet: many processes on many hosts record into one store.

`PostgresRecorder` has the SQLite recorder's contract: `record()` is one C call (a put on an
unbounded SimpleQueue, which never blocks), and a background thread writes batches with `COPY`.
The writer drains the queue every `interval` seconds whatever happens to the store, so the
backlog is bounded by what arrives in one interval plus one connection attempt
(`connect_timeout`): when PostgreSQL is down, slow to answer or full, the drained observations
are dropped and counted (`dropped`), one line is logged, and the next attempt to connect comes
after `retry` seconds. The caller never waits and never sees an error.

Matches (most of a healthy experiment) are stored per batch, as a count and two latency
histograms (vsmctl.parallel.latency_histogram); anything else is one row per candidate, as in
SQLite. `diff` and `gate` aggregate in SQL (vsmctl.parallel.postgres_report), so their cost
follows the number of batches and of difference shapes, not of observations.

psycopg 3 (`pip install 'vsmctl[postgresql]'`) is imported by the writer thread, not at load.
"""

from __future__ import annotations

import os

from vsmctl.background_queue import drain, request_flush
from vsmctl.log_once import LogOnce
from vsmctl.parallel.latency_histogram import HISTOGRAM_SIZE, bucket_of

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

SCHEMA = "vsmctl"
# Each migration runs once, in order, under an advisory lock: eight processes starting at once
# create the schema once. Add new steps at the end; never edit a released one.
MIGRATIONS: tuple[str, ...] = (
    f"""
    CREATE TABLE {SCHEMA}.batches (
        id bigserial PRIMARY KEY,
        experiment text NOT NULL,
        candidate text NOT NULL,
        first_time double precision NOT NULL,
        last_time double precision NOT NULL,
        count bigint NOT NULL,
        control_hist integer[] NOT NULL,     -- counts per latency bucket (latency_histogram)
        candidate_hist integer[] NOT NULL
    );
    CREATE TABLE {SCHEMA}.observations (
        id bigserial PRIMARY KEY,
        experiment text NOT NULL,
        time double precision NOT NULL,
        candidate text NOT NULL,
        status text NOT NULL,                -- match, mismatch, ignored, timeout, compare_error
        control_ns bigint,
        candidate_ns bigint,
        control_bucket smallint,
        candidate_bucket smallint,
        shape text,                          -- JSON list of the differing field paths
        control_value text,                  -- JSON (cleaned)
        candidate_value text,
        control_error text,
        candidate_error text,
        error_type text,
        context text
    );
    CREATE INDEX observations_experiment ON {SCHEMA}.observations (experiment, time);
    CREATE INDEX observations_shape ON {SCHEMA}.observations (experiment, status, shape);
    CREATE INDEX batches_experiment ON {SCHEMA}.batches (experiment, last_time);
    """,
)
OBSERVATION_COLUMNS = ("experiment", "time", "candidate", "status", "control_ns", "candidate_ns", "control_bucket",
                       "candidate_bucket", "shape", "control_value", "candidate_value", "control_error",
                       "candidate_error", "error_type", "context")
BATCH_COLUMNS = ("experiment", "candidate", "first_time", "last_time", "count", "control_hist", "candidate_hist")
_LOCK_ID = 0x76736D63  # "vsmc": the advisory lock that serialises migrations


def migrate(conn: Any) -> int:
    """Create or bring the schema up to date; returns its version. Safe to run concurrently."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_ID,))
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
        conn.execute(f"CREATE TABLE IF NOT EXISTS {SCHEMA}.schema_version (version integer NOT NULL)")
        row = conn.execute(f"SELECT max(version) FROM {SCHEMA}.schema_version").fetchone()
        version = row[0] or 0
        for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
            conn.execute(step)
            conn.execute(f"INSERT INTO {SCHEMA}.schema_version (version) VALUES (%s)", (number,))
            version = number
    return version


def connect(url: str, connect_timeout: float = 5.0) -> Any:
    import psycopg

    return psycopg.connect(url, autocommit=True, connect_timeout=max(1, round(connect_timeout)),
                           application_name="vsmctl")


def redact(url: str) -> str:
    """The URL without its password, for log lines and messages."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


class PostgresRecorder:
    def __init__(self, url: str, interval: float = 0.5, connect_timeout: float = 2.0, retry: float = 5.0,
                 max_batch: int = 1_000_000) -> None:
        import queue
        import threading

        self.url = url
        self.interval, self.connect_timeout, self.retry, self.max_batch = interval, connect_timeout, retry, max_batch
        self.dropped = 0
        self.written = 0
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self.record = self._queue.put  # the hot path: one C call
        self._wake = threading.Event()
        self._log_once = LogOnce("vsmctl.parallel")
        self._pid = os.getpid()
        self._next_attempt = 0.0
        self._thread = threading.Thread(target=self._run, name="vsmctl-parallel-postgres", daemon=True)
        self._thread.start()
        import atexit

        atexit.register(self.flush)

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything recorded before this call is written (or dropped)."""
        if os.getpid() != self._pid:
            return False
        return request_flush(self._queue.put, self._wake, timeout)

    def _run(self) -> None:
        conn = None
        while True:
            self._wake.wait(self.interval)
            self._wake.clear()
            rows, batches, taken, pulled, waiters = self._drain()
            if pulled >= self.max_batch:  # more is waiting: no sleep before the next batch
                self._wake.set()
            if rows or batches:
                conn = self._write(conn, rows, batches, taken)
            for waiter in waiters:
                waiter.set()

    def _drain(self) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], int, int, list[Any]]:
        """What is queued now (at most max_batch observations), matches folded into per-(experiment,
        candidate) histograms; also how many of them can be written, how many were taken, the flush waiters."""
        from vsmctl.parallel.recorder import to_rows

        matches: dict[tuple[str, str], list[Any]] = {}
        rows: list[tuple[Any, ...]] = []
        taken = pulled = 0
        waiters: list[Any] = []
        for item in drain(self._queue.get_nowait, waiters.append, self.max_batch):
            pulled += 1
            taken += 1
            try:
                if len(item) == 5 and type(item[2]) is int:
                    name, when, control_ns, candidate, candidate_ns = item
                    slot = matches.get((name, candidate))
                    if slot is None:
                        slot = matches[(name, candidate)] = [when, when, 0, [0] * HISTOGRAM_SIZE,
                                                             [0] * HISTOGRAM_SIZE]
                    slot[1] = when
                    slot[2] += 1
                    slot[3][bucket_of(control_ns)] += 1
                    slot[4][bucket_of(candidate_ns)] += 1
                else:
                    rows.extend(_with_buckets(row) for row in to_rows(item))
            except Exception as exc:
                self._log_once(f"cannot record an observation: {exc!r}")
                self.dropped += 1
                taken -= 1
        batches = [(name, cand, s[0], s[1], s[2], s[3], s[4]) for (name, cand), s in matches.items()]
        return rows, batches, taken, pulled, waiters

    def _write(self, conn: Any, rows: list[tuple[Any, ...]], batches: list[tuple[Any, ...]], observations: int) -> Any:
        import time

        if conn is None or conn.closed:
            if time.monotonic() < self._next_attempt:  # the store was down a moment ago: do not wait on it again
                self.dropped += observations
                return None
            try:
                conn = connect(self.url, self.connect_timeout)
                migrate(conn)
            except Exception as exc:
                self._next_attempt = time.monotonic() + self.retry
                self._fail(exc, observations)
                return None
        try:
            with conn.transaction(), conn.cursor() as cur:
                if rows:
                    with cur.copy(f"COPY {SCHEMA}.observations ({', '.join(OBSERVATION_COLUMNS)}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                if batches:
                    with cur.copy(f"COPY {SCHEMA}.batches ({', '.join(BATCH_COLUMNS)}) FROM STDIN") as copy:
                        for batch in batches:
                            copy.write_row(batch)
            self.written += observations
            return conn
        except Exception as exc:  # the store went away, is full or read-only: the caller never knows
            self._fail(exc, observations)
            import contextlib

            with contextlib.suppress(Exception):
                conn.close()
            self._next_attempt = time.monotonic() + self.retry
            return None

    def _fail(self, exc: Exception, observations: int) -> None:
        self.dropped += observations
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        self._log_once(f"parallel-run store {redact(self.url)}: {first_line}; observations dropped "
                       "(counted in vsmctl_parallel_dropped_total) until it is back")


def _with_buckets(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """A SQLite observations row, with the latency buckets PostgreSQL aggregates on."""
    name, when, cand, status, control_ns, candidate_ns, *rest = row
    return (name, when, cand, status, control_ns, candidate_ns,
            None if control_ns is None else bucket_of(control_ns),
            None if candidate_ns is None else bucket_of(candidate_ns), *rest)

