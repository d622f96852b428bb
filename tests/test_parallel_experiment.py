"""Experiments in code: the caller is never affected, whatever the candidate or the recorder does."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time

import pytest
from conftest import REPO, new_flag
from parallel_helpers import statuses

from vsmctl.flags import Flags
from vsmctl.parallel import Experiment, MemoryRecorder, SQLiteRecorder, experiment
from vsmctl.parallel.experiment import wait_for_background


def test_control_result_whatever_the_candidate_does():
    rec = MemoryRecorder()

    def broken(x):
        raise ValueError("new code bug")

    e = Experiment("t", recorder=rec).control(lambda x: x * 2, 21).candidate(broken, 21)
    assert e.run() == 42
    [obs] = rec.observations
    _name, _time, _ctx, control, [cand] = obs
    assert cand.status == "mismatch" and cand.error == "ValueError: new code bug"
    assert control.value == 42


def test_control_exception_reaches_the_caller_and_is_compared():
    rec = MemoryRecorder()

    def old():
        raise KeyError("k")

    def new():
        raise KeyError("k")

    with pytest.raises(KeyError):
        Experiment("t", recorder=rec).control(old).candidate(new).run()
    assert statuses(rec) == ["match"]  # same exception type and args


def test_candidate_hanging_past_its_timeout():
    rec = MemoryRecorder()
    finished = threading.Event()

    def slow():
        time.sleep(3)
        finished.set()
        return 1

    result = Experiment("t", recorder=rec, timeout=0.1).control(lambda: 1).candidate(slow).run()
    assert result == 1
    assert not finished.is_set()  # the caller did not wait for the candidate
    assert statuses(rec) == ["timeout"]


def test_compare_raising_and_publisher_failing_do_not_reach_the_caller():
    rec = MemoryRecorder()

    def compare(a, b):
        raise RuntimeError("bad compare")

    assert Experiment("t", recorder=rec, compare=compare).control(lambda: 1).candidate(lambda: 1).run() == 1
    assert statuses(rec) == ["compare_error"]

    class Broken:
        def record(self, observation):
            raise OSError("publisher down")

    assert Experiment("t", recorder=Broken()).control(lambda: 5).candidate(lambda: 6).run() == 5
    assert Experiment("t", recorder=Broken()).control(lambda: 5).candidate(lambda: 5).run() == 5


def test_recorder_disk_full_never_reaches_the_caller(tmp_path, caplog):
    rec = SQLiteRecorder(tmp_path / "full.sqlite", max_bytes=64 * 1024, interval=0.05)
    big = "x" * 20_000
    for i in range(50):
        assert Experiment("full", recorder=rec).control(lambda: {"v": big, "i": 0}).candidate(
            lambda i=i: {"v": big, "i": i + 1}).run() == {"v": big, "i": 0}
    rec.flush()
    assert rec.dropped > 0
    assert any("full" in r.message for r in caplog.records)


ORDERS = ["control-first", "candidates-first"]


@pytest.mark.parametrize("order", ORDERS)
def test_candidates_get_copies_of_mutable_arguments(order):
    rec = MemoryRecorder()
    ran = []

    def old(items):
        ran.append("control")
        return sum(items)

    def new(items):
        ran.append("candidate")
        items.append(100)  # a careless candidate
        return sum(items)

    data = [1, 2, 3]
    assert Experiment("t", recorder=rec, order=order).control(old, data).candidate(new, data).run() == 6
    assert data == [1, 2, 3]
    assert ran == (["control", "candidate"] if order == "control-first" else ["candidate", "control"])
    assert statuses(rec) == ["mismatch"]


@pytest.mark.parametrize("options", [{}, {"timeout": 5.0}], ids=["inline", "bounded"])
@pytest.mark.parametrize("args", [(), (1,)], ids=["no-arguments", "arguments"])
@pytest.mark.parametrize("order", ORDERS)
def test_both_run_orders_deterministically(order, args, options):
    """Each path of an observation (lean, copied arguments, timeout) follows the order asked for."""
    ran = []

    def control(*a):
        ran.append("control")
        return 1

    def candidate(*a):
        ran.append("candidate")
        return 1

    rec = MemoryRecorder()
    run = experiment("t", candidate=candidate, recorder=rec, order=order, **options)(control)
    for _ in range(3):
        assert run(*args) == 1
    pair = ["control", "candidate"] if order == "control-first" else ["candidate", "control"]
    assert ran == pair * 3
    assert statuses(rec) == ["match"] * 3


@pytest.mark.parametrize("order", ORDERS)
def test_order_with_several_candidates(order):
    ran = []
    e = Experiment("t", recorder=MemoryRecorder(), order=order).control(lambda: ran.append("control") or 1)
    e.candidate(lambda: ran.append("a") or 1).candidate(lambda: ran.append("b") or 1)
    assert e.run() == 1
    assert ran == (["control", "a", "b"] if order == "control-first" else ["a", "b", "control"])


def test_random_order_runs_both_orders_and_an_unknown_order_is_refused():
    firsts = set()
    for _ in range(200):
        ran = []
        Experiment("t", recorder=MemoryRecorder()).control(lambda r=ran: r.append("control")).candidate(
            lambda r=ran: r.append("candidate")).run()
        firsts.add(ran[0])
    assert firsts == {"control", "candidate"}
    with pytest.raises(ValueError, match="order must be one of"):
        Experiment("t", order="sideways")


def test_async_mode_runs_candidates_off_the_request_path():
    rec = MemoryRecorder()
    started = threading.Event()
    release = threading.Event()

    def candidate():
        started.set()
        release.wait(5)
        return 2

    assert Experiment("t", recorder=rec, mode="async").control(lambda: 1).candidate(candidate).run() == 1
    assert rec.observations == []  # the caller did not wait
    release.set()
    wait_for_background()
    assert statuses(rec) == ["mismatch"]


def test_sampling_by_percentage_and_by_flag(tmp_path):
    calls = []
    never = experiment("t", candidate=lambda: calls.append(1), sample=0, recorder=MemoryRecorder())(lambda: 1)
    always = experiment("t", candidate=lambda: calls.append(2) or 1, sample=100, recorder=MemoryRecorder())(lambda: 1)
    for _ in range(200):
        assert never() == 1 and always() == 1
    assert calls.count(1) == 0 and calls.count(2) == 200
    half = []
    sampled = experiment("t", candidate=lambda: half.append(1) or 1, sample=50, recorder=MemoryRecorder())(lambda: 1)
    for _ in range(2000):
        sampled()
    assert 800 < len(half) < 1200

    path = tmp_path / "flags.json"
    path.write_text(json.dumps({"flags": {"cut": new_flag("cut", state="disabled")}}))
    flags = Flags.from_file(path, check_interval=0)
    ran = []
    gated = experiment("t", candidate=lambda: ran.append(1) or 1, sample="cut", flags=flags,
                       recorder=MemoryRecorder())(lambda: 1)
    for _ in range(50):
        gated()
    assert ran == []
    path.write_text(json.dumps({"flags": {"cut": new_flag(
        "cut", rollout={"percent": 100, "variant": "on", "by": "targetingKey"})}}))
    os.utime(path, (time.time() + 5, time.time() + 5))
    for _ in range(50):
        gated()
    assert len(ran) == 50


def test_ignore_clean_and_unrecordable_values(tmp_path):
    rec = MemoryRecorder()
    e = Experiment("t", recorder=rec, ignore=[lambda a, b: a["n"] == 1],
                   clean=lambda v: {"n": v["n"]}).control(lambda: {"n": 1, "secret": "a"}).candidate(
        lambda: {"n": 1, "secret": "b"})
    e.run()
    [cand] = rec.observations[0][4]
    assert cand.status == "ignored" and cand.value == {"n": 1}  # cleaned before recording

    sql = SQLiteRecorder(tmp_path / "obs.sqlite")
    Experiment("odd", recorder=sql).control(lambda: object()).candidate(lambda: {1, 2}).run()
    sql.flush()
    row = sqlite3.connect(tmp_path / "obs.sqlite").execute(
        "SELECT control_value, candidate_value FROM observations").fetchone()
    assert json.loads(row[0])["$type"] == "builtins.object"  # summarised, not lost
    assert json.loads(row[1]) == [1, 2]


def test_decorator_and_context_manager():
    rec = MemoryRecorder()

    def new_allocate(budget):
        return budget // 2

    @experiment("s3.allocate", candidate=new_allocate, recorder=rec)
    def allocate(budget):
        """The old implementation."""
        return budget // 2

    assert allocate(10) == 5 and allocate.__name__ == "allocate" and "old" in allocate.__doc__
    with Experiment("s3.allocate", recorder=rec) as e:
        e.control(allocate.__wrapped__, 8)
        e.candidate(new_allocate, 8)
        assert e.run() == 4
    assert statuses(rec) == ["match", "match"]


KILLED = """
import sys, time
from vsmctl.parallel import SQLiteRecorder, experiment
rec = SQLiteRecorder(sys.argv[1], interval=0.05)
run = experiment("killed", candidate=lambda: 1, recorder=rec)(lambda: 1)
for _ in range(1000):
    run()
rec.flush()
print("flushed", flush=True)
while True:
    run()
"""


def test_observations_survive_a_killed_process_up_to_the_last_flushed_batch(tmp_path):
    db = tmp_path / "killed.sqlite"
    proc = subprocess.Popen([sys.executable, "-c", KILLED, str(db)], stdout=subprocess.PIPE, text=True,
                            cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert proc.stdout.readline().strip() == "flushed"
    time.sleep(0.3)  # more batches are being written
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    count = con.execute("SELECT COALESCE(SUM(count), 0) FROM batches").fetchone()[0]
    assert count >= 1000


def test_batched_durations_are_stored_sorted_and_give_exact_percentiles(tmp_path):
    """The recorder sorts each batch's columns (the report merges sorted runs); the percentiles
    are still the exact ones of every recorded duration."""
    from array import array

    from vsmctl.parallel.report import report

    db = tmp_path / "obs.sqlite"
    rec = SQLiteRecorder(db, interval=60)
    durations = [(7_000_000 * k) % 9_999_991 + 1_000 for k in range(1, 2_001)]  # not in order
    for i, ns in enumerate(durations):
        rec.record(("e", 1000.0 + i, ns, "candidate", 2 * ns))
    assert rec.flush()
    con = sqlite3.connect(db)
    for control_blob, candidate_blob in con.execute("SELECT control_ns, candidate_ns FROM batches"):
        for blob in (control_blob, candidate_blob):
            column = array("q", blob).tolist()
            assert column == sorted(column) and len(column) > 1
    con.close()
    ordered = sorted(durations)
    rep = report(db, "e")
    assert rep.samples == 2_000
    assert rep.control.p95 == round(ordered[int(0.95 * 2_000)] / 1e6, 4)
    assert rep.candidate.p50 == round(2 * ordered[1_000] / 1e6, 4)
