"""`vsmctl flag ...` end to end, in a real git repository."""

import itertools
import json
import multiprocessing

import pytest
from conftest import run_cli
from git_repos import init_repo

from vsmctl.events import EventLog
from vsmctl.flags.store import FlagStore
from vsmctl.workspace import Workspace

FLAG = "extract.vsm-s3-control"


@pytest.fixture()
def ws(tmp_path):
    init_repo(tmp_path, ("Ana Lyst", "ana@example.com"))
    return tmp_path


def flag(ws, *args):
    return run_cli("flag", *args, cwd=ws)


def ok(result):
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def events(ws):
    return EventLog(ws / ".vsm" / "events.jsonl").read()


def test_create_flip_set_eval_show_list(ws):
    ok(flag(ws, "create", FLAG, "--owner", "platform", "--description", "S3 cutover", "--expires", "2027-03-31"))
    ok(flag(ws, "flip", FLAG, "on", "--percent", "25", "--reason", "canary"))
    ok(flag(ws, "set", FLAG, "--rule", "country in de,fr -> on"))
    doc = json.loads(ok(flag(ws, "eval", FLAG, "--key", "user-1", "-c", "country=de", "--json")).stdout)
    assert (doc["value"], doc["variant"], doc["reason"]) == (True, "on", "TARGETING_MATCH")
    doc = json.loads(ok(flag(ws, "eval", FLAG, "--key", "user-40", "--json")).stdout)
    assert doc["reason"] == "SPLIT" and doc["value"] is True  # bucket 1880 < 2500
    shown = json.loads(ok(flag(ws, "show", FLAG, "--json")).stdout)
    assert shown["flag"]["rollout"] == {"percent": 25.0, "variant": "on", "by": "targetingKey"}
    assert [e["action"] for e in shown["history"]] == ["created", "flipped", "updated"]
    listed = json.loads(ok(flag(ws, "list", "--json")).stdout)
    assert [f["key"] for f in listed["flags"]] == [FLAG] and listed["flags"][0]["stale"] is False
    # flags.json is what code reads
    on_disk = json.loads((ws / ".vsm" / "flags.json").read_text())
    assert on_disk["flags"][FLAG]["rules"][0]["attribute"] == "country"
    ok(flag(ws, "flip", FLAG, "off"))
    doc = json.loads(ok(flag(ws, "eval", FLAG, "--key", "user-42", "--json")).stdout)
    assert doc["reason"] == "DISABLED"


def test_history_records_actor_reason_before_after(ws):
    ok(flag(ws, "create", FLAG))
    ok(flag(ws, "flip", FLAG, "on", "--percent", "10", "--reason", "canary"))
    ok(flag(ws, "flip", FLAG, "on", "--percent", "50", "--actor", "release-bot"))
    hist = json.loads(ok(flag(ws, "history", FLAG, "--json")).stdout)["events"]
    assert [e["actor"] for e in hist] == ["Ana Lyst <ana@example.com>"] * 2 + ["release-bot"]
    assert hist[1]["reason"] == "canary"
    assert hist[2]["before"]["rollout"]["percent"] == 10.0 and hist[2]["after"]["rollout"]["percent"] == 50.0
    assert hist[2]["change"] == "rollout 10% on → 50% on"
    table = ok(flag(ws, "history")).stdout
    assert "canary" in table and "release-bot" in table


def test_rollback_by_event_and_by_time(ws):
    ok(flag(ws, "create", FLAG))
    ok(flag(ws, "flip", FLAG, "on", "--percent", "10"))
    first = events(ws)[-1]
    ok(flag(ws, "flip", FLAG, "on", "--percent", "90"))
    ok(flag(ws, "rollback", FLAG, "--to", first.id, "--reason", "errors at 90%"))
    store = FlagStore(Workspace(ws))
    assert store.get(FLAG)["rollout"]["percent"] == 10.0
    last = events(ws)[-1]
    assert last.type == "flag.rolled_back" and last.data["to_event"] == first.id
    assert last.data["reason"] == "errors at 90%"
    ok(flag(ws, "rollback", FLAG, "--to", events(ws)[0].time))
    assert store.get(FLAG)["rollout"] is None
    bad = flag(ws, "rollback", FLAG, "--to", "e999")
    assert bad.returncode == 2 and "not in the history" in bad.stderr


def test_rebuild_from_the_log_and_corrupted_lines(ws):
    ok(flag(ws, "create", FLAG))
    ok(flag(ws, "flip", FLAG, "on", "--percent", "30"))
    path = ws / ".vsm" / "flags.json"
    good = json.loads(path.read_text())["flags"]
    path.unlink()
    ok(flag(ws, "rebuild"))
    assert json.loads(path.read_text())["flags"] == good
    path.write_text("garbage")
    assert json.loads(ok(flag(ws, "show", FLAG, "--json")).stdout)["flag"] == good[FLAG]  # rebuilt on the fly
    ok(flag(ws, "rebuild"))
    log = ws / ".vsm" / "events.jsonl"
    lines = log.read_text().splitlines(keepends=True)
    lines.insert(1, '{"seq": broken\n')
    log.write_text("".join(lines))
    result = flag(ws, "rebuild")
    assert result.returncode == 2
    assert f"{log}:2: corrupted event line" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(("args", "message"), [
    (("flip", "nope", "on"), "unknown flag 'nope'"),
    (("flip", FLAG, "on", "--percent", "101"), "--percent must be from 0 to 100"),
    (("flip", FLAG, "on", "--percent", "abc"), "--percent must be a number from 0 to 100, not 'abc'"),
    (("set", FLAG, "--percent", "nan"), "--percent must be from 0 to 100, not nan"),
    (("flip", FLAG, "maybe"), "'maybe' is not one of 'on', 'off'"),
    (("set", FLAG, "--rule", "country ~ de -> on"), "does not parse"),
    (("set", FLAG, "--rule", "country == de -> sideways"), "rule variant 'sideways' is not one of on, off"),
    (("create", "other", "--variants", "on=maybe,off=false"), "'maybe' is not a boolean"),
    (("create", FLAG), "exists already"),
    (("set", FLAG, "--expires", "soon"), "is not a date"),
])
def test_bad_input_is_one_line_and_changes_nothing(ws, args, message):
    ok(flag(ws, "create", FLAG))
    before_events = (ws / ".vsm" / "events.jsonl").read_bytes()
    before_flags = (ws / ".vsm" / "flags.json").read_bytes()
    result = flag(ws, *args)
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert (ws / ".vsm" / "events.jsonl").read_bytes() == before_events
    assert (ws / ".vsm" / "flags.json").read_bytes() == before_flags


def test_export_flagd_and_openfeature(ws, tmp_path):
    ok(flag(ws, "create", FLAG, "--description", "S3 cutover"))
    ok(flag(ws, "flip", FLAG, "on", "--percent", "20"))
    ok(flag(ws, "set", FLAG, "--rule", "version semver >=2.0.0 -> on"))
    flagd = json.loads(ok(flag(ws, "export", "--format", "flagd")).stdout)
    entry = flagd["flags"][FLAG]
    assert entry["state"] == "ENABLED" and entry["defaultVariant"] == "off"
    assert entry["targeting"]["if"][0] == {"sem_ver": [{"var": "version"}, ">=", "2.0.0"]}
    assert entry["targeting"]["if"][2]["fractional"][1:] == [["on", 2000], ["off", 8000]]  # integers: flagd needs them
    out = tmp_path / "manifest.json"
    ok(flag(ws, "export", "--format", "openfeature-json", "-o", str(out)))
    manifest = json.loads(out.read_text())
    assert manifest["flags"][FLAG] == {"flagType": "boolean", "defaultValue": False, "description": "S3 cutover"}


def test_stale_flags(ws):
    ok(flag(ws, "create", "old", "--expires", "2999-01-01"))
    ok(flag(ws, "create", "new", "--expires", "2999-01-01"))
    assert flag(ws, "list", "--stale").returncode == 0  # nothing stale: CI passes
    # time passes: the expiry of "old" is behind us (written as a change, --expires refuses the past)
    FlagStore(Workspace(ws)).change("old", "updated", lambda f: {**f, "expires": "2020-01-01"}, "test")
    result = flag(ws, "list", "--stale", "--json")
    assert result.returncode == 1 and "1 stale flag(s)" in result.stderr
    assert [f["key"] for f in json.loads(result.stdout)["flags"]] == ["old"]
    assert flag(ws, "list", "--stale").returncode == 1


def test_expires_in_the_past_is_refused(ws):
    result = flag(ws, "create", "late", "--expires", "2020-01-01")
    assert result.returncode == 2 and "--expires: 2020-01-01 is in the past" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    ok(flag(ws, "create", "late", "--expires", "2999-01-01"))
    assert flag(ws, "set", "late", "--expires", "2001-02-03").returncode == 2


def _flipper(root, name, n):
    store = FlagStore(Workspace(root))
    for i in range(n):
        def mutate(f, i=i):
            f["owner"] = f"{name}-{i}"
            f["rollout"] = {"percent": float(i % 101), "variant": "on", "by": "targetingKey"}
            return f
        store.change(FLAG, "flipped", mutate, name)


def test_two_processes_flipping_a_thousand_times_each(ws):
    ok(flag(ws, "create", FLAG))
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_flipper, args=(ws, f"w{k}", 1000)) for k in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(300)
        assert p.exitcode == 0
    log = events(ws)
    assert len(log) == 2001 and sorted(e.seq for e in log) == list(range(1, 2002))
    for name in ("w0", "w1"):
        assert [e.data["after"]["owner"] for e in log if e.actor == name] == [f"{name}-{i}" for i in range(1000)]
    # each event's "before" is the previous event's "after": no change was made on a stale view
    for prev, cur in itertools.pairwise(log):
        assert cur.data["before"] == prev.data["after"]
    snapshot = json.loads((ws / ".vsm" / "flags.json").read_text())
    assert snapshot["last_seq"] == 2001 and snapshot["flags"][FLAG] == log[-1].data["after"]


# --- the flag changes themselves: pure functions, shared by the CLI and extraction -----------------
def test_flag_changes_are_pure_functions():
    import copy

    import pytest

    from vsmctl.errors import InputError
    from vsmctl.flags import changes
    from vsmctl.flags.model import validate

    flag = changes.cutover_flag("extract.vsm-x", "vsm-x", "2026-11-27T00:00:00Z")
    assert validate(copy.deepcopy(flag)) == flag
    assert flag["state"] == "enabled" and flag["default_variant"] == "off" and flag["rollout"] is None
    assert changes.create(flag)(None) is flag
    with pytest.raises(InputError, match="exists already"):
        changes.create(flag)(flag)
    half = changes.flip("extract.vsm-x", True, 50)(copy.deepcopy(flag))
    assert half["rollout"] == {"percent": 50, "variant": "on", "by": "targetingKey"}
    off = changes.flip("extract.vsm-x", False)(copy.deepcopy(half))
    assert off["state"] == "disabled" and off["rollout"] == half["rollout"]
    with pytest.raises(InputError, match="unknown flag"):
        changes.flip("nope", True)(None)
    rule = {"attribute": "country", "op": "in", "values": ["de"], "variant": "on"}
    updated = changes.update("extract.vsm-x", changes.Settings(rules=(rule,), percent=10, owner="team"))(
        copy.deepcopy(flag))
    assert updated["rules"] == [rule] and updated["rollout"]["percent"] == 10 and updated["owner"] == "team"
    cleared = changes.update("extract.vsm-x", changes.Settings(clear_rules=True))(copy.deepcopy(updated))
    assert cleared["rules"] == []
    assert changes.Settings().empty and not changes.Settings(clear_rules=True).empty
    assert changes.restore(None)(flag) is None
