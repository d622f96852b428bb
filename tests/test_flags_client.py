"""The runtime client: never raises, reloads changed files, survives bad ones, works after fork."""

import json
import multiprocessing
import os
import time

from conftest import new_flag

from vsmctl.flags import ERROR, SPLIT, Flags


def write_flags(path, *flags):
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"version": 1, "flags": {f["key"]: f for f in flags}}))
    os.replace(tmp, path)


def test_enabled_value_and_evaluate(tmp_path):
    path = tmp_path / "flags.json"
    write_flags(path, new_flag("f", rollout={"percent": 100, "variant": "on", "by": "targetingKey"}),
                new_flag("name", type="string", variants={"a": "alpha", "b": "beta"}, default_variant="b"))
    flags = Flags.from_file(path)
    assert flags.enabled("f", key="u1") is True
    assert flags.enabled("missing", key="u1") is False
    assert flags.enabled("missing", key="u1", default=True) is True
    assert flags.value("name", "zzz") == "beta"
    result = flags.evaluate("f", False, key="u1")
    assert (result.value, result.variant, result.reason) == (True, "on", SPLIT)
    # wrong type of default: the caller's default, reason ERROR, no exception
    wrong = flags.evaluate("name", False)
    assert (wrong.value, wrong.reason) == (False, ERROR)
    assert flags.evaluate("missing", 7).reason == ERROR


def test_hot_reload_and_last_good_state(tmp_path, caplog):
    path = tmp_path / "flags.json"
    write_flags(path, new_flag("f"))
    flags = Flags.from_file(path, check_interval=0)
    assert flags.enabled("f", key="u") is False
    write_flags(path, new_flag("f", rollout={"percent": 100, "variant": "on", "by": "targetingKey"}))
    assert flags.enabled("f", key="u") is True  # picked up without restart
    path.write_text("{ not json")
    for _ in range(3):
        assert flags.enabled("f", key="u") is True  # the last good flags stay
    assert sum("not usable" in r.message for r in caplog.records) == 1  # logged once
    path.write_text(json.dumps({"flags": {"f": {"key": "f", "variants": {}}}}))  # invalid definition
    assert flags.enabled("f", key="u") is True
    os.unlink(path)
    assert flags.enabled("f", key="u") is True


def test_check_interval_limits_stats(tmp_path):
    path = tmp_path / "flags.json"
    write_flags(path, new_flag("f"))
    flags = Flags.from_file(path, check_interval=3600)
    write_flags(path, new_flag("f", rollout={"percent": 100, "variant": "on", "by": "targetingKey"}))
    assert flags.enabled("f", key="u") is False  # not re-checked before the interval


def test_evaluation_never_raises(tmp_path):
    path = tmp_path / "flags.json"
    write_flags(path, new_flag("f"))
    flags = Flags.from_file(path)

    def broken(key, default):
        raise RuntimeError("boom")

    flags._fast["f"] = broken
    assert flags.enabled("f", key="u", default=True) is True


def test_missing_file_gives_defaults(tmp_path):
    flags = Flags.from_workspace(tmp_path)
    assert flags.enabled("anything") is False
    assert flags.keys == []


def _child(flags, queue, path):
    # in the forked worker: wait for the parent's change, evaluate
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if flags.enabled("f", key="u"):
            queue.put(True)
            return
        time.sleep(0.02)
    queue.put(False)


def test_forked_workers_follow_file_changes(tmp_path):
    path = tmp_path / "flags.json"
    write_flags(path, new_flag("f"))
    flags = Flags.from_file(path, check_interval=0.01)
    assert flags.enabled("f", key="u") is False
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    workers = [ctx.Process(target=_child, args=(flags, queue, path)) for _ in range(2)]
    for w in workers:
        w.start()
    time.sleep(0.1)
    write_flags(path, new_flag("f", rollout={"percent": 100, "variant": "on", "by": "targetingKey"}))
    results = [queue.get(timeout=15) for _ in workers]
    for w in workers:
        w.join(10)
    assert results == [True, True]
