import multiprocessing
import os
from pathlib import Path

import pytest

from vsmctl.events import CorruptLogError, EventLog
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


def test_corrupted_line_is_reported_with_its_number(tmp_path):
    log = EventLog(tmp_path / "events.jsonl")
    log.append("a", {}, actor="x")
    with open(log.path, "a") as handle:
        handle.write("{not json\n")
    log.append("b", {}, actor="x")
    with pytest.raises(CorruptLogError, match=r"events.jsonl:2: corrupted event line"):
        log.read()


def test_atomic_write_replaces_whole_file(tmp_path):
    target = tmp_path / "flags.json"
    atomic_write_text(target, "old")
    atomic_write_text(target, "new")
    assert target.read_text() == "new"
    assert os.listdir(tmp_path) == ["flags.json"]  # no temp files left behind
