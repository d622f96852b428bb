import multiprocessing
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from vsmctl.errors import InputError
from vsmctl.events import CorruptLogError, EventLog, TornLogError
from vsmctl.workspace import atomic_write_text, current_umask


def test_append_and_read_back(tmp_path):
    log = EventLog(tmp_path / ".vsm" / "events.jsonl")
    first = log.append("flag.created", {"key": "x"}, actor="ana")
    second = log.append("flag.flipped", {"key": "x", "on": True}, actor="bo")
    assert (first.seq, second.seq) == (1, 2)
    events = log.read()
    assert [e.type for e in events] == ["flag.created", "flag.flipped"]
    assert events[1].actor == "bo" and events[1].data == {"key": "x", "on": True}
    assert [e.id for e in log.read(type_prefix="flag.flip")] == ["e2"]


def _writer(path: str, n: int, name: str) -> None:
    log = EventLog(Path(path))
    for i in range(n):
        log.append("test.tick", {"writer": name, "i": i}, actor=name)


def test_concurrent_writers_lose_nothing(tmp_path):
    path = tmp_path / "events.jsonl"
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_writer, args=(str(path), 300, f"w{k}")) for k in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    events = EventLog(path).read()
    assert len(events) == 600
    assert sorted(e.seq for e in events) == list(range(1, 601))
    for name in ("w0", "w1"):
        assert [e.data["i"] for e in events if e.actor == name] == list(range(300))


def test_corrupted_line_is_reported_with_its_number_and_nothing_is_appended_after_it(tmp_path):
    log = EventLog(tmp_path / "events.jsonl")
    log.append("a", {}, actor="x")
    with open(log.path, "a") as handle:
        handle.write("{not json\n")
    before = log.path.read_bytes()
    with pytest.raises(CorruptLogError, match=r"events.jsonl:2: corrupted event line"):
        log.append("b", {}, actor="x")
    assert log.path.read_bytes() == before
    with pytest.raises(CorruptLogError, match=r"events.jsonl:2: corrupted event line"):
        log.read()


@pytest.mark.parametrize("line, problem", [
    ('{"seq": "1", "time": "t", "actor": "a", "type": "x", "data": {}}', "'seq' must be a positive integer"),
    ('{"seq": 2, "time": "t", "actor": 7, "type": "x", "data": {}}', "'actor' must be a non-empty string"),
    ('{"seq": 2, "time": "t", "actor": "a", "type": "x", "data": "oops"}', "'data' must be an object"),
    ('[1, 2]', "not a JSON object"),
    ('{"seq": 1, "time": "t", "actor": "a", "type": "x", "data": {}}', "sequence number 1 after 1"),
])
def test_every_event_is_validated_on_read_with_its_line(tmp_path, line, problem):
    log = EventLog(tmp_path / "events.jsonl")
    log.append("a", {}, actor="x")
    with open(log.path, "a") as handle:
        handle.write(line + "\n")
    with pytest.raises(CorruptLogError, match=rf"events.jsonl:2: corrupted event line \({re.escape(problem)}"):
        log.read()


def test_a_torn_last_line_is_reported_refused_and_repaired_with_a_backup(tmp_path):
    log = EventLog(tmp_path / "events.jsonl")
    for i in range(3):
        log.append("a", {"i": i}, actor="x")
    whole = log.path.read_bytes()
    log.path.write_bytes(whole[:-20])  # a crash in the middle of the third append
    torn = log.path.read_bytes()
    with pytest.raises(TornLogError, match=r"events.jsonl:3: the last line is incomplete.*repair-log"):
        log.read()
    with pytest.raises(TornLogError, match=r"events.jsonl:3:"):
        log.append("b", {}, actor="x")
    assert log.path.read_bytes() == torn  # nothing appended after it
    repair = log.repair(now="2026-11-27T12:00:00.000000Z")
    assert repair.line == 3 and repair.removed == torn.split(b"\n")[-1]
    assert repair.backup.read_bytes() == torn  # the whole log as it was
    assert [e.seq for e in log.read()] == [1, 2]
    assert log.append("b", {}, actor="x").seq == 3
    with pytest.raises(InputError, match="nothing to repair"):
        log.repair()


def test_a_long_last_line_is_found_past_the_read_chunk(tmp_path):
    log = EventLog(tmp_path / "events.jsonl")
    log.append("a", {"big": "x" * 200_000}, actor="x")
    log.append("a", {"big": "y" * 200_000}, actor="x")
    assert log.append("b", {}, actor="x").seq == 3
    assert log.ends_after(log.path.stat().st_size, 3)


def _append_many(path: str, n: int) -> None:
    log = EventLog(Path(path))
    for i in range(n):
        log.append("test.tick", {"i": i, "pad": "z" * 5000}, actor="w")


def test_readers_never_see_an_append_in_progress_as_torn(tmp_path):
    """Reads take a shared lock: a line without its newline is never a concurrent append."""
    path = tmp_path / "events.jsonl"
    proc = multiprocessing.get_context("fork").Process(target=_append_many, args=(str(path), 1500))
    proc.start()
    reads = 0
    try:
        while proc.is_alive():
            EventLog(path).read()  # raises TornLogError if it saw half a line
            reads += 1
    finally:
        proc.join(60)
    assert proc.exitcode == 0 and reads > 0
    assert len(EventLog(path).read()) == 1500


def test_atomic_write_replaces_whole_file(tmp_path):
    target = tmp_path / "flags.json"
    atomic_write_text(target, "old")
    atomic_write_text(target, "new")
    assert target.read_text() == "new"
    assert os.listdir(tmp_path) == ["flags.json"]  # no temp files left behind


@pytest.fixture()
def umask():
    """Set the process umask for one test (restored after)."""
    saved = os.umask(0o022)
    os.umask(saved)

    def set_(mask: int) -> None:
        os.umask(mask)

    yield set_
    os.umask(saved)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("mask, expected", [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_atomic_write_gives_a_new_file_the_umask_mode(tmp_path, umask, mask, expected):
    umask(mask)
    assert current_umask() == mask
    target = tmp_path / "flags.json"
    atomic_write_text(target, "{}")
    assert mode(target) == expected


@pytest.mark.parametrize("kept", [0o640, 0o604, 0o755])
def test_atomic_write_keeps_an_existing_file_mode(tmp_path, umask, kept):
    umask(0o077)  # would give 0600 to a new file
    target = tmp_path / "flags.json"
    target.write_text("old")
    target.chmod(kept)
    atomic_write_text(target, "new")
    assert target.read_text() == "new" and mode(target) == kept


def test_flag_files_are_readable_by_other_users_under_the_usual_umask(tmp_path):
    """The reported case: an application running as another user must be able to read flags.json."""
    from conftest import run_cli

    result = subprocess.run(["sh", "-c", 'umask 022 && exec "$@"', "sh", sys.executable, "-m", "vsmctl", "flag",
                             "create", "f", "--workspace", str(tmp_path)], cwd=tmp_path, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    for name in ("flags.json", "events.jsonl", ".gitignore"):
        assert mode(tmp_path / ".vsm" / name) == 0o644, name
    assert run_cli("flag", "flip", "f", "on", "--workspace", str(tmp_path), cwd=tmp_path).returncode == 0
    assert mode(tmp_path / ".vsm" / "flags.json") == 0o644
