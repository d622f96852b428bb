"""Where observations go. The default writes SQLite (WAL) in batches from a background thread.

`record()` only puts a tuple on a queue: the caller pays a fraction of a microsecond, and nothing
the recorder does (a locked database, a full disk) can raise into it; such failures are logged
once and the observations counted as dropped. The writer wakes every `interval` seconds (or on
`flush()`, and at interpreter exit) and commits what arrived. What was committed survives a
killed process (WAL).

Two shapes of observation:
- a match with no error and no context: `(experiment, time, control_ns, candidate, candidate_ns)`.
  Matches are most of a healthy experiment, so they are stored per batch: one row with the
  count and the timings as packed int64 arrays, each sorted (table `batches`);
- anything else: `(experiment, time, context, control Result, [candidate Result])`, one row per
  candidate with values, errors and the shape of the difference (table `observations`).
"""

from __future__ import annotations

import os

from vsmctl.background_queue import drain, request_flush
from vsmctl.locate import workspace_file
from vsmctl.log_once import LogOnce

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

def _sorted_bytes(durations: Any) -> bytes:
    from array import array

    return array("q", sorted(durations)).tobytes()


SCHEMA = """
CREATE TABLE IF NOT EXISTS batches (
    id INTEGER PRIMARY KEY,
    experiment TEXT NOT NULL,
    candidate TEXT NOT NULL,
    first_time REAL NOT NULL,
    last_time REAL NOT NULL,
    count INTEGER NOT NULL,
    control_ns BLOB NOT NULL,      -- array('q') of durations, native byte order, each column sorted
    candidate_ns BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS observations (
    id INTEGER PRIMARY KEY,
    experiment TEXT NOT NULL,
    time REAL NOT NULL,
    candidate TEXT NOT NULL,
    status TEXT NOT NULL,          -- match, mismatch, ignored, timeout, compare_error, skipped
    control_ns INTEGER,
    candidate_ns INTEGER,
    shape TEXT,                    -- JSON list of the differing field paths ([*] for positions)
    control_value TEXT,            -- JSON (cleaned)
    candidate_value TEXT,
    control_error TEXT,            -- "Type: message"
    candidate_error TEXT,
    error_type TEXT,               -- the candidate's exception type, for grouping
    context TEXT
);
CREATE INDEX IF NOT EXISTS observations_experiment ON observations (experiment, time);
CREATE INDEX IF NOT EXISTS batches_experiment ON batches (experiment, last_time);
"""
INSERT_OBSERVATION = (
    "INSERT INTO observations (experiment, time, candidate, status, control_ns, candidate_ns, shape, control_value, "
    "candidate_value, control_error, candidate_error, error_type, context) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"
)
INSERT_BATCH = ("INSERT INTO batches (experiment, candidate, first_time, last_time, count, control_ns, candidate_ns) "
                "VALUES (?,?,?,?,?,?,?)")


class MemoryRecorder:
    """Keeps observations in a list (tests, notebooks)."""

    def __init__(self) -> None:
        self.observations: list[Any] = []

    def record(self, observation: Any) -> None:
        self.observations.append(observation)

    def flush(self, timeout: float = 0.0) -> bool:
        return True


def find_workspace_db(start: str = ".") -> str:
    """`.vsm/parallel-run.sqlite` of the workspace enclosing `start`."""
    return workspace_file("parallel-run.sqlite", start)


class SQLiteRecorder:
    def __init__(self, path: str | os.PathLike[str] | None = None, interval: float = 0.5,
                 max_bytes: int | None = None) -> None:
        self.path = os.fspath(path) if path is not None else find_workspace_db()
        self.interval = interval
        self.max_bytes = max_bytes  # a cap on the database (to test a full disk, or to bound it)
        self._log_once = LogOnce("vsmctl.parallel")
        self._start()
        import atexit
        import weakref

        atexit.register(self.flush)
        # A forked worker (gunicorn, multiprocessing) inherits this recorder but not its writer
        # thread: it gets its own, and an empty queue (what the parent queued is the parent's).
        # The fork waits for a write in progress: a child born while the writer is inside SQLite
        # could inherit one of SQLite's mutexes locked, and hang on its first write.
        ref = weakref.ref(self)
        os.register_at_fork(before=lambda: _hold_writes(ref), after_in_parent=lambda: _release_writes(ref),
                            after_in_child=lambda: _restart_in_child(ref))

    def _start(self) -> None:
        import queue
        import threading

        self.dropped = 0
        self.written = 0
        self.reopened = 0  # times the database file was found deleted or replaced, and made anew
        self._writing = threading.Lock()  # held by the writer thread while it is inside SQLite
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self.record = self._queue.put  # the hot path: one C call, no wake-up of the writer
        self._wake = threading.Event()
        self._pid = os.getpid()
        self._thread = threading.Thread(target=self._run, name="vsmctl-parallel-recorder", daemon=True)
        self._thread.start()

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything recorded before this call is committed (or dropped)."""
        if os.getpid() != self._pid:  # forked: this process has no writer thread of its own yet
            return False
        return request_flush(self._queue.put, self._wake, timeout)

    def _connect(self) -> Any:
        import sqlite3

        os.makedirs(os.path.dirname(os.path.abspath(self.path)), exist_ok=True)
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        self._identity = _identity(self.path)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        if self.max_bytes:
            page = db.execute("PRAGMA page_size").fetchone()[0]
            db.execute(f"PRAGMA max_page_count={max(1, self.max_bytes // page)}")
        db.executescript(SCHEMA)
        return db

    def _run(self) -> None:
        from array import array

        db = None
        get = self._queue.get_nowait
        while True:
            # Sleep between batches instead of waking for every observation: a woken thread would
            # take the GIL from the serving threads once per call.
            self._wake.wait(self.interval)
            self._wake.clear()
            matches: dict[tuple[str, str], list[Any]] = {}
            rows: list[tuple[Any, ...]] = []
            taken = 0
            waiters: list[Any] = []
            for item in drain(get, waiters.append):
                taken += 1
                try:
                    if len(item) == 5 and type(item[2]) is int:
                        name, when, control_ns, candidate, candidate_ns = item
                        slot = matches.get((name, candidate))
                        if slot is None:
                            slot = matches[(name, candidate)] = [when, when, array("q"), array("q")]
                        slot[1] = when
                        slot[2].append(control_ns)
                        slot[3].append(candidate_ns)
                    else:
                        rows.extend(to_rows(item))
                except Exception as exc:  # a value we cannot even summarise: drop this one
                    self._log_once(f"cannot record an observation: {exc!r}")
                    self.dropped += 1
                    taken -= 1
            # Each column sorted on its own (reports read distributions, never pairs): the report's
            # sort of a million durations then merges sorted runs, twice as fast as sorting them.
            batches = [(name, cand, s[0], s[1], len(s[2]), _sorted_bytes(s[2]), _sorted_bytes(s[3]))
                       for (name, cand), s in matches.items()]
            if rows or batches:
                with self._writing:
                    db = self._write(db, rows, batches, taken)
            for waiter in waiters:
                waiter.set()

    def _write(self, db: Any, rows: list[tuple[Any, ...]], batches: list[tuple[Any, ...]], observations: int) -> Any:
        try:
            if db is not None and _identity(self.path) != self._identity:
                # Deleted or replaced under us: writing on would go to a file nobody can open.
                self._log_once(f"parallel-run recorder: {self.path} was deleted or replaced; made anew")
                self.reopened += 1
                db.close()
                db = None
            if db is None:
                db = self._connect()
            db.execute("BEGIN")
            db.executemany(INSERT_OBSERVATION, rows)
            db.executemany(INSERT_BATCH, batches)
            db.execute("COMMIT")
            self.written += observations
        except Exception as exc:  # disk full, read-only, locked: the caller never knows
            self._log_once(f"parallel-run recorder at {self.path}: {exc}; observations dropped")
            self.dropped += observations
            try:
                if db is not None and db.in_transaction:
                    db.execute("ROLLBACK")
            except Exception:
                db = None
        return db


def _identity(path: str) -> tuple[int, int] | None:
    """Which file `path` names now (device, inode); None when there is none."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _hold_writes(ref: Any) -> None:
    recorder = ref()
    if recorder is not None:
        recorder._writing.acquire()


def _release_writes(ref: Any) -> None:
    recorder = ref()
    if recorder is not None and recorder._writing.locked():
        recorder._writing.release()


def _restart_in_child(ref: Any) -> None:
    recorder = ref()
    if recorder is None:
        return
    recorder._start()
    import sys

    # multiprocessing's children leave through os._exit (no atexit) and clear the finalizers
    # inherited from the parent first: register the flush once the child has started.
    util = sys.modules.get("multiprocessing.util")
    if util is not None:
        util.register_after_fork(recorder, _flush_at_child_exit)


def _flush_at_child_exit(recorder: SQLiteRecorder) -> None:
    import multiprocessing.util

    multiprocessing.util.Finalize(recorder, recorder.flush, exitpriority=10)


def to_rows(observation: Any) -> list[tuple[Any, ...]]:
    """One `observations` row per candidate of a full observation."""
    from vsmctl.parallel.diffing import differences, shapes
    from vsmctl.parallel.values import encode

    name, when, context, control, candidates = observation
    ctx = encode(context) if context else None
    rows = []
    for cand in candidates:
        shape = control_json = candidate_json = None
        if cand.status in ("mismatch", "ignored"):
            if control.error is None and cand.error is None:
                shape = encode(shapes(differences(control.value, cand.value)) or ["$"])
            else:
                shape = encode(["<exception>"])
            control_json = encode(control.value)
            candidate_json = encode(cand.value)
        error_type = cand.error.split(":", 1)[0] if cand.error else None
        rows.append((name, when, cand.name, cand.status, control.ns, cand.ns, shape, control_json, candidate_json,
                     control.error, cand.error, error_type, ctx))
    return rows
