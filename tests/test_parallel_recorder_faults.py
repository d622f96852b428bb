"""Issue 16 item 3: the recorder keeps recording when its file is deleted and in forked workers."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3

from vsmctl.parallel import SQLiteRecorder, experiment


def stored(db) -> int:
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT COALESCE(SUM(count), 0) FROM batches").fetchone()[0] + \
            con.execute("SELECT COUNT(*) FROM observations").fetchone()[0]
    finally:
        con.close()


def test_a_database_deleted_mid_run_is_made_anew(tmp_path):
    db = tmp_path / "obs.sqlite"
    rec = SQLiteRecorder(db, interval=0.01)
    run = experiment("t", candidate=lambda: 1, recorder=rec)(lambda: 1)
    for _ in range(100):
        run()
    assert rec.flush() and stored(db) == 100
    for suffix in ("", "-wal", "-shm"):
        (tmp_path / f"obs.sqlite{suffix}").unlink(missing_ok=True)
    for _ in range(250):
        run()
    assert rec.flush()
    assert db.exists() and stored(db) == 250  # the later observations are on disk, not in a lost inode
    assert rec.written == 350 and rec.dropped == 0 and rec.reopened == 1


def test_a_database_replaced_mid_run_is_reopened(tmp_path):
    db = tmp_path / "obs.sqlite"
    rec = SQLiteRecorder(db, interval=0.01)
    run = experiment("t", candidate=lambda: 1, recorder=rec)(lambda: 1)
    run()
    assert rec.flush()
    os.rename(db, tmp_path / "moved.sqlite")
    run()
    assert rec.flush() and stored(db) == 1 and rec.reopened == 1


def _worker(calls: int) -> None:
    from vsmctl.parallel.experiment import wait_for_background  # noqa: F401  (the child's own modules)

    for _ in range(calls):
        RUN()


RUN = None


def test_forked_workers_record_after_the_parent_used_the_experiment(tmp_path):
    """The reported case: used once in the parent, then forked workers (multiprocessing)."""
    global RUN
    db = tmp_path / "obs.sqlite"
    rec = SQLiteRecorder(db, interval=0.05)
    RUN = experiment("forked", candidate=lambda: 1, recorder=rec)(lambda: 1)
    RUN()  # the parent's writer thread exists now
    ctx = multiprocessing.get_context("fork")
    workers = [ctx.Process(target=_worker, args=(500,)) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    assert [w.exitcode for w in workers] == [0, 0]
    assert rec.flush()
    assert stored(db) == 1 + 2 * 500


def test_a_plain_fork_child_records_too(tmp_path):
    db = tmp_path / "obs.sqlite"
    rec = SQLiteRecorder(db, interval=0.05)
    run = experiment("forked", candidate=lambda: 1, recorder=rec)(lambda: 1)
    run()
    pid = os.fork()
    if pid == 0:  # the child: record, flush, leave without running the parent's atexit
        try:
            for _ in range(300):
                run()
            os._exit(0 if rec.flush() else 1)
        finally:
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert rec.flush()
    assert stored(db) == 301
