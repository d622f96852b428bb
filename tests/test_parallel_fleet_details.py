"""Parallel-run details: sources kept apart, gate without observations, the HTML report's inputs and
noise, order-insensitive and float-tolerant comparison."""

import json
import math

import pytest
from parallel_helpers import pr, replay_workspace, statuses

from vsmctl.parallel import SQLiteRecorder, experiment
from vsmctl.parallel.comparing import tolerant

IMPLS = '''
import uuid

def old(x):
    return {"id": str(uuid.uuid4()), "total": x["a"] + x["b"], "items": [x["a"], x["b"], 0]}

def new(x):
    total = x["a"] + x["b"] + (1 if x["a"] == 7 else 0)
    return {"id": str(uuid.uuid4()), "total": total, "items": [x["a"], x["b"], 0]}

def old_float(x):
    return {"mean": (x["a"] + x["b"]) / 3, "items": [x["a"], x["b"]]}

def new_float(x):
    return {"mean": x["a"] / 3 + x["b"] / 3, "items": [x["b"], x["a"]]}
'''


@pytest.fixture()
def work(tmp_path):
    return replay_workspace(tmp_path, IMPLS)


def record_in_code(db, name, n=50):
    rec = SQLiteRecorder(db, interval=0.01)
    run = experiment(name, candidate=lambda x: x + (x == 3), recorder=rec)(lambda x: x)
    for x in range(n):
        run(x)
    assert rec.flush(30)


def test_code_and_replay_observations_are_never_merged(work):
    db = work / ".vsm" / "parallel-run.sqlite"
    record_in_code(db, "sum")
    refused = pr(work, "run", "sum", "--inputs", "inputs.jsonl", "--control", "impls:old", "--candidate", "impls:new")
    assert refused.returncode == 2 and "already has observations recorded in code" in refused.stderr
    assert "sum.replay" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    ok = pr(work, "run", "sum.replay", "--inputs", "inputs.jsonl", "--control", "impls:old", "--candidate", "impls:new")
    assert ok.returncode == 0, ok.stderr
    reports = {r["experiment"]: r for r in json.loads(pr(work, "diff", "--json").stdout)["experiments"]}
    assert reports["sum"]["samples"] == 50 and reports["sum.replay"]["samples"] == 100
    # code that later records under the replay's name: diff and gate refuse rather than mix
    record_in_code(db, "sum.replay")
    for args in (("diff", "sum.replay"), ("gate", "sum.replay", "--min-match", "1")):
        mixed = pr(work, *args)
        assert mixed.returncode == 2 and "recorded in code and replayed" in mixed.stderr, args


def test_gate_without_observations_says_so(work):
    record_in_code(work / ".vsm" / "parallel-run.sqlite", "other")
    result = pr(work, "gate", "never.run", "--min-match", "99")
    assert result.returncode == 1 and "no observations for never.run" in result.stderr
    assert "0.0%" not in result.stdout + result.stderr
    since = pr(work, "gate", "other", "--min-match", "99", "--since", "2999-01-01T00:00:00Z")
    assert since.returncode == 1 and "no observations for other since 2999-01-01T00:00:00Z" in since.stderr


def test_html_report_shows_inputs_and_learned_noise(work):
    result = pr(work, "run", "sum", "--inputs", "inputs.jsonl", "--control", "impls:old", "--candidate", "impls:new",
                "--secondary", "impls:old")
    assert result.returncode == 0, result.stderr
    html = work / "report.html"
    assert pr(work, "diff", "sum", "--html", str(html)).returncode == 0
    text = html.read_text()
    assert "Noise learned from 100 secondary run(s)" in text and "<code>$.id</code>" in text
    assert 'input <code>{&quot;a&quot;: 7, &quot;b&quot;: 0}</code>' in text  # the input of a $.total example
    assert "$replay" not in text


def test_unordered_and_float_tolerance_options(work):
    strict = pr(work, "run", "mean", "--inputs", "inputs.jsonl", "--control", "impls:old_float", "--candidate",
                "impls:new_float")
    assert strict.returncode == 0, strict.stderr
    loose = pr(work, "run", "mean.loose", "--inputs", "inputs.jsonl", "--control", "impls:old_float",
               "--candidate", "impls:new_float", "--unordered", "--float-tolerance", "1e-9")
    assert loose.returncode == 0, loose.stderr
    reports = {r["experiment"]: r for r in json.loads(pr(work, "diff", "--json").stdout)["experiments"]}
    assert reports["mean"]["match_rate"] < 20  # items reversed unless a == b, means differ in the last bit
    assert reports["mean.loose"]["match_rate"] == 100.0
    bad = pr(work, "run", "x", "--inputs", "inputs.jsonl", "--control", "impls:old", "--candidate", "impls:new",
             "--float-tolerance", "-1")
    assert bad.returncode == 2 and "must not be negative" in bad.stderr


def test_tolerant_compare():
    loose = tolerant(unordered=True, rel_tol=1e-9)
    assert loose([1, 2, 3], [3, 2, 1]) and not loose([1, 1, 2], [1, 2, 2]) and not loose([1, 2], [1, 2, 3])
    assert loose({"a": [0.1 + 0.2, {"b": 1}]}, {"a": [{"b": 1}, 0.3]})
    assert not loose({"a": 1}, {"a": 1, "b": 2}) and not loose((1, 2), [1, 2])
    assert loose(math.nan, math.nan) and not loose(1.0, 1.1)
    assert not tolerant()([1, 2], [2, 1]) and not tolerant()(0.1 + 0.2, 0.3)
    assert tolerant(abs_tol=0.01)([1.0, 2.0], [1.001, 2.0])
    with pytest.raises(ValueError):
        tolerant(rel_tol=-1)
    # as an experiment's compare=, through the real experiment path
    from vsmctl.parallel import MemoryRecorder

    rec = MemoryRecorder()
    run = experiment("t", candidate=lambda: {"xs": [2.0000000001, 1]}, compare=loose, recorder=rec)(
        lambda: {"xs": [1, 2]})
    assert run() == {"xs": [1, 2]}
    assert len(rec.observations) == 1 and len(rec.observations[0]) == 5  # recorded as a plain match


def test_lean_path_records_like_the_general_path():
    from vsmctl.parallel import MemoryRecorder

    state = {"x": 0}  # the input of this call, set before each: both sides only read it

    def control():
        if state["x"] % 5 == 0:
            raise KeyError("control")
        return {"n": state["x"] % 3}

    def candidate():
        if state["x"] % 7 == 0:
            raise ValueError("candidate")
        return {"n": state["x"] % 3 if state["x"] % 4 else -1}

    outcomes = {}
    for order in ("random", "control-first"):  # random takes the lean path, control-first the general one
        rec = MemoryRecorder()
        run = experiment("lean", candidate=candidate, recorder=rec, order=order)(control)
        got = []
        for x in range(1, 61):
            state["x"] = x
            try:
                got.append(run())
            except KeyError:
                got.append("raised")
        outcomes[order] = (got, sorted(statuses(rec)))
    assert outcomes["random"] == outcomes["control-first"]
    assert outcomes["random"][0].count("raised") == 12
    assert set(outcomes["random"][1]) == {"match", "mismatch"} and len(outcomes["random"][1]) == 60


def test_lean_path_with_plain_arguments_and_mutable_ones_copied():
    from vsmctl.parallel import MemoryRecorder

    def control(x, label="c"):
        if x % 5 == 0:
            raise KeyError(x)
        return [x % 3, label]

    def candidate(x, label="c"):
        return [x % 3 if x % 4 else -1, label]

    outcomes = {}
    for order in ("random", "control-first"):
        rec = MemoryRecorder()
        run = experiment("lean.args", candidate=candidate, recorder=rec, order=order)(control)
        got = []
        for x in range(1, 41):
            try:
                got.append(run(x, "s") if x % 2 else run(x, label="kw"))
            except KeyError:
                got.append("raised")
        kinds = sorted("match" if len(ob) == 5 else ob[4][0].status for ob in rec.observations)
        outcomes[order] = (got, kinds)
    assert outcomes["random"] == outcomes["control-first"] and len(outcomes["random"][1]) == 40

    # a mutable argument never reaches the candidate itself: it gets a copy
    def mutating(items):
        items.append("candidate was here")
        return len(items) - 1

    run = experiment("lean.copy", candidate=mutating, recorder=MemoryRecorder())(len)
    caller = [1, 2]
    assert run(caller) == 2 and caller == [1, 2]
