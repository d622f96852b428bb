"""Issue 16 item 2: a damaged event log, through the real `vsmctl flag` commands.

A torn last line is reported and repaired only by `flag repair-log` (with a backup); nothing is
appended after a bad line; every event (and a flag event's data) is validated on read, and the
error names the line where the damage is.
"""

from __future__ import annotations

import json

import pytest
from conftest import run_cli
from git_repos import ANALYST, init_repo

from vsmctl.events import EventLog

READERS = [("list",), ("history",), ("show", "f1"), ("rebuild",)]
WRITERS = [("flip", "f1", "on"), ("create", "f3")]


@pytest.fixture()
def ws(tmp_path):
    init_repo(tmp_path, ANALYST)
    for args in (("create", "f1"), ("create", "f2"), ("flip", "f2", "on")):
        assert flag(tmp_path, *args).returncode == 0
    return tmp_path


def flag(ws, *args):
    return run_cli("flag", *args, "--workspace", str(ws), cwd=ws)


def log_path(ws):
    return ws / ".vsm" / "events.jsonl"


def one_error_line(result, pattern):
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert pattern in lines[0], lines[0]


def test_torn_last_line_is_reported_by_every_command_and_nothing_is_appended(ws):
    path = log_path(ws)
    path.write_bytes(path.read_bytes()[:-25])  # a crash during the third append
    torn = path.read_bytes()
    for args in READERS + WRITERS:
        one_error_line(flag(ws, *args), "events.jsonl:3: the last line is incomplete")
        assert path.read_bytes() == torn, args


def test_repair_log_keeps_a_backup_and_the_log_works_again(ws):
    path = log_path(ws)
    path.write_bytes(path.read_bytes()[:-25])
    torn = path.read_bytes()
    result = flag(ws, "repair-log")
    assert result.returncode == 0, result.stderr
    assert "removed the incomplete line 3" in result.stdout
    [backup] = sorted(path.parent.glob("events.jsonl.*.bak"))
    assert backup.read_bytes() == torn
    assert [e.seq for e in EventLog(path).read()] == [1, 2]
    assert flag(ws, "flip", "f1", "on").returncode == 0
    assert [e.seq for e in EventLog(path).read()] == [1, 2, 3]
    for args in READERS:
        assert flag(ws, *args).returncode == 0, args
    one_error_line(flag(ws, "repair-log"), "the last line is complete; nothing to repair")
    assert len(list(path.parent.glob("*.bak"))) == 1
    # the backup is not committed by accident
    assert "*.bak" in (path.parent / ".gitignore").read_text()


def test_an_event_with_wrong_data_is_reported_with_its_line(ws):
    path = log_path(ws)
    lines = path.read_text().splitlines()
    record = json.loads(lines[1])
    record["data"]["after"] = "oops"
    lines[1] = json.dumps(record)
    path.write_text("\n".join(lines) + "\n")
    (ws / ".vsm" / "flags.json").unlink()
    for args in READERS + WRITERS:
        one_error_line(flag(ws, *args), "events.jsonl:2: flag.created event e2: 'after' is not a flag definition")


@pytest.mark.parametrize("garbage", ["x", "garbage " * 100], ids=["shorter", "longer"])
def test_garbage_at_line_2_is_reported_at_line_2(ws, garbage):
    """flags.json remembers a byte offset; a changed line before it must not shift the report."""
    path = log_path(ws)
    lines = path.read_text().splitlines()
    lines[1] = garbage
    path.write_text("\n".join(lines) + "\n")
    damaged = path.read_bytes()
    for args in READERS + WRITERS:
        one_error_line(flag(ws, *args), "events.jsonl:2: corrupted event line")
        assert path.read_bytes() == damaged, args


def test_a_duplicate_sequence_number_is_reported(ws):
    path = log_path(ws)
    lines = path.read_text().splitlines()
    path.write_text("\n".join([*lines, lines[-1]]) + "\n")
    one_error_line(flag(ws, "list"), "events.jsonl:4: corrupted event line (sequence number 3 after 3)")


def test_a_log_replaced_by_another_valid_log_asks_for_rebuild(ws):
    path = log_path(ws)
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:2]) + "\n")  # the last event dropped: flags.json is ahead
    one_error_line(flag(ws, "list"), "is not the log flags.json was made from")
    assert flag(ws, "rebuild").returncode == 0
    assert flag(ws, "list").returncode == 0


def _changer(root, name, n):
    from vsmctl.flags.store import FlagStore
    from vsmctl.workspace import Workspace

    store = FlagStore(Workspace(root))
    for i in range(n):
        def mutate(f, i=i):
            f["owner"] = f"{name}-{i}"
            return f
        store.change("f1", "set", mutate, name)


def test_two_processes_changing_flags_lose_no_event(ws):
    """docs/reliability.md runs this with VSMCTL_FLAG_CHANGES=10000."""
    import multiprocessing
    import os

    n = int(os.environ.get("VSMCTL_FLAG_CHANGES", "300"))
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_changer, args=(ws, f"w{k}", n)) for k in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(3600)
    assert [p.exitcode for p in procs] == [0, 0]
    log = EventLog(log_path(ws)).read()
    assert [e.seq for e in log] == list(range(1, 3 + 2 * n + 1))
    for name in ("w0", "w1"):
        assert [e.data["after"]["owner"] for e in log if e.actor == name] == [f"{name}-{i}" for i in range(n)]
    flags = json.loads((ws / ".vsm" / "flags.json").read_text())
    assert flags["last_seq"] == 3 + 2 * n and flags["flags"]["f1"] == log[-1].data["after"]
