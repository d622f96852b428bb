"""Issue 16 item 4: hostile candidates never hurt the caller of an experiment.

Every case runs in both orders, on each path an observation can take (the lean path with no
arguments, copied arguments, timeout=, mode="async"), and the caller must get the control's
own result every time.
"""

from __future__ import annotations

import importlib
import threading

import pytest
from parallel_helpers import statuses

from vsmctl.parallel import Experiment, MemoryRecorder, experiment
from vsmctl.parallel.experiment import _background, wait_for_background

background = importlib.import_module("vsmctl.parallel.background")

ORDERS = ["control-first", "candidates-first"]


class Truthless:
    """numpy-like: `==` answers with an object whose truth raises."""

    def __init__(self, payload):
        self.payload = payload

    def __eq__(self, other):
        return Ambiguous()

    __hash__ = None


class Ambiguous:
    def __bool__(self):
        raise ValueError("The truth value of an array with more than one element is ambiguous")


class ExitOnBool:
    def __eq__(self, other):
        return self

    def __bool__(self):
        raise SystemExit(3)

    __hash__ = None


class RaisingEq:
    def __eq__(self, other):
        raise RuntimeError("no comparing me")

    __hash__ = None


CONTROL_VALUE = ("control", 42)


def hostile_values():
    return {
        "truthless ==": Truthless([1, 2]),
        "SystemExit in bool()": ExitOnBool(),
        "raising ==": RaisingEq(),
    }


PATHS = {
    "lean": {},
    "copied arguments": {"args": ([1, 2, 3],)},
    "timeout": {"timeout": 2.0},
    "async": {"mode": "async", "timeout": 2.0},
}


@pytest.mark.parametrize("path", list(PATHS))
@pytest.mark.parametrize("order", [*ORDERS, "random"])
@pytest.mark.parametrize("case", list(hostile_values()))
def test_a_hostile_candidate_value_never_reaches_the_caller(case, order, path):
    """In random order (the default, and on the lean path the decorator's own inlined closure)
    each call is repeated, since which side runs first is not chosen by the test there."""
    options = dict(PATHS[path])
    args = options.pop("args", ())
    calls = 20 if order == "random" else 1
    rec = MemoryRecorder()
    value = hostile_values()[case]
    run = experiment("t", candidate=lambda *a: value, recorder=rec, order=order, **options)(
        lambda *a: CONTROL_VALUE)
    # also when the control's own value is the hostile one (its `==` is tried first)
    back = experiment("t", candidate=lambda *a: CONTROL_VALUE, recorder=rec, order=order, **options)(
        lambda *a: value)
    for _ in range(calls):
        assert run(*args) is CONTROL_VALUE
        assert back(*args) is value
    wait_for_background()
    assert statuses(rec) == ["compare_error"] * (2 * calls)


@pytest.mark.parametrize("order", ORDERS)
def test_numpy_like_values_on_the_lean_path_are_a_compare_error(order):
    rec = MemoryRecorder()
    run = experiment("t", candidate=lambda: Truthless(1), recorder=rec, order=order)(lambda: Truthless(1))
    assert isinstance(run(), Truthless)
    assert statuses(rec) == ["compare_error"]
    [candidate] = rec.observations[0][4]
    assert "ambiguous" in candidate.error


class SlowEq:
    def __init__(self, release: threading.Event):
        self.release = release

    def __eq__(self, other):
        self.release.wait(30)
        return True

    __hash__ = None


@pytest.mark.parametrize("order", ORDERS)
def test_a_slow_comparison_is_bounded_by_the_timeout(order):
    """The comparison blocks until released: the caller returns while it is still blocked."""
    release = threading.Event()
    rec = MemoryRecorder()
    slow = SlowEq(release)
    try:
        result = Experiment("t", recorder=rec, timeout=0.2, order=order).control(lambda: slow).candidate(
            lambda: 1).run()
        assert result is slow
        assert not release.is_set()  # returned without waiting for the comparison
        assert statuses(rec) == ["timeout"]
    finally:
        release.set()


@pytest.mark.parametrize("order", ORDERS)
def test_uncopyable_arguments_skip_the_candidate_and_are_counted(order):
    rec = MemoryRecorder()
    ran = []

    def old(items):
        return sum(x for x in items if isinstance(x, int))

    def new(items):
        ran.append(1)
        items.append(100)  # would change the caller's list, had it been given the original
        return old(items)

    lock = threading.Lock()  # cannot be deep-copied
    run = experiment("t", candidate=new, recorder=rec, order=order)(old)
    for _ in range(500):
        data = [1, 2, 3, lock]
        assert run(data) == 6
        assert data == [1, 2, 3, lock]
    assert ran == []
    assert run.experiment.skipped == 500
    assert statuses(rec) == ["skipped"] * 500
    e = Experiment("t", recorder=rec, order=order).control(old, [1, lock]).candidate(new, [1, lock])
    assert e.run() == 1 and e.skipped == 1


def test_async_a_hung_candidate_does_not_block_later_observations(monkeypatch):
    monkeypatch.setattr(background, "ASYNC_BOUND", 0.2)
    hung = threading.Event()
    release = threading.Event()
    finished = threading.Event()
    rec = MemoryRecorder()

    def candidate(n):
        if n == 0:
            hung.set()
            release.wait(30)
            finished.set()
        return n

    run = experiment("t", candidate=candidate, recorder=rec, mode="async")(lambda n: n)
    try:
        assert [run(n) for n in range(5)] == [0, 1, 2, 3, 4]
        assert not finished.is_set()  # the caller did not wait for the hung candidate
        wait_for_background()
        assert hung.is_set() and not finished.is_set()  # the later observations did not wait either
        assert statuses(rec) == ["timeout", "match", "match", "match", "match"]
    finally:
        release.set()


def test_async_without_bound_leaves_at_most_a_few_hung_threads_behind(monkeypatch):
    monkeypatch.setattr(background, "ASYNC_BOUND", 0.05)
    monkeypatch.setattr(background, "MAX_LEFT_BEHIND", 2)
    release = threading.Event()
    rec = MemoryRecorder()
    run = experiment("hang", candidate=lambda: release.wait(30), recorder=rec, mode="async")(lambda: 1)
    try:
        before = _background().dropped
        for _ in range(5):
            assert run() == 1
        wait_for_background()
        assert statuses(rec) == ["timeout", "timeout"]  # then no new threads while those hang
        assert _background().dropped - before == 3
    finally:
        release.set()


def test_skipped_candidates_are_counted_in_the_report_not_as_samples(tmp_path):
    from vsmctl.parallel import SQLiteRecorder
    from vsmctl.parallel.report import report

    rec = SQLiteRecorder(tmp_path / "obs.sqlite", interval=0.01)
    lock = threading.Lock()
    run = experiment("copy", candidate=lambda items: len(items), recorder=rec)(lambda items: len(items))
    for _ in range(3):
        assert run([lock]) == 1
    assert run([1]) == 1
    assert rec.flush()
    rep = report(tmp_path / "obs.sqlite", "copy")
    assert (rep.skipped, rep.samples, rep.matches) == (3, 1, 1)
