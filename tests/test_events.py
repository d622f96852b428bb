import multiprocessing
import os
import re
from pathlib import Path

import pytest

from vsmctl.errors import InputError
from vsmctl.events import CorruptLogError, EventLog, TornLogError
from vsmctl.workspace import atomic_write_text


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
