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


def test_missing_file_gives_defaults(tmp_path, caplog):
    flags = Flags.from_workspace(tmp_path)
    for _ in range(3):
        assert flags.enabled("anything") is False
    assert flags.keys == []
    missing = [r.message for r in caplog.records if "no flags file at" in r.message]
    assert missing == [f"no flags file at {tmp_path / '.vsm' / 'flags.json'}; every flag gives the caller's default"]


def test_missing_flag_and_wrong_type_are_logged_once(tmp_path, caplog):
    path = tmp_path / "flags.json"
    write_flags(path, new_flag("f"), new_flag("name", type="string", variants={"a": "alpha"}, default_variant="a"))
    flags = Flags.from_file(path)
    for _ in range(5):
        assert flags.enabled("nope", key="u", default=True) is True
        assert flags.evaluate("nope", 3).reason == ERROR
        assert flags.evaluate("name", False).reason == ERROR  # a string flag, a boolean default
        assert flags.enabled("name", key="u") is False  # enabled() on a string flag: the default
    messages = [r.message for r in caplog.records]
    assert sum("flag 'nope' not found in" in m for m in messages) == 1
    assert sum("flag 'name' is a string, the default is a bool" in m for m in messages) == 1
    assert sum("flag 'name' is a string, enabled() wants a boolean" in m for m in messages) == 1
    assert len(messages) == 3


def test_semver_rules_compare_prereleases_by_semver_2(tmp_path):
    path = tmp_path / "flags.json"
    rule = {"attribute": "version", "op": "semver", "cmp": ">", "value": "2.0.0-rc.9", "variant": "on"}
    write_flags(path, new_flag("f", rules=[rule]))
    flags = Flags.from_file(path)

    def on(version):
        return flags.evaluate("f", False, context={"version": version}).value

    # semver 2.0 §11: 1.0.0-alpha < 1.0.0-alpha.1 < 1.0.0-alpha.beta < 1.0.0-beta < 1.0.0-beta.2
    # < 1.0.0-beta.11 < 1.0.0-rc.1 < 1.0.0, and numeric identifiers compare as numbers
    assert [on(v) for v in ("2.0.0-rc.10", "2.0.0-rc.9", "2.0.0-rc.1", "2.0.0", "2.0.0-rc.9.1", "2.0.0-beta")] == \
        [True, False, False, True, True, False]
    from vsmctl.flags.evaluation import semver_key
    from vsmctl.flags.model import parse_semver

    order = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11",
             "1.0.0-rc.1", "1.0.0", "1.0.1-0", "1.0.1"]
    assert sorted(reversed(order), key=lambda v: semver_key(parse_semver(v))) == order


def test_memoised_split_answers_like_the_full_evaluation(tmp_path):
    path = tmp_path / "flags.json"
    write_flags(path, new_flag("f", rollout={"percent": 37.5, "variant": "on", "by": "targetingKey"}))
    flags = Flags.from_file(path)
    keys = [f"u{i}" for i in range(2000)] + [1, 2, True, 3.5]
    first = [flags.enabled("f", key=k) for k in keys]
    again = [flags.enabled("f", key=k) for k in keys]  # from the memo now
    full = [flags.evaluate("f", False, key=k).value for k in keys]
    assert first == again == full
    assert 650 < sum(first) < 850
    assert flags.enabled("f", key=["unhashable"]) in (True, False)


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
