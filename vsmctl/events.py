"""The append-only event log (`.vsm/events.jsonl`): the audit trail and the source of status.

One JSON object a line: {"id", "seq", "time", "actor", "type", "data"}. Appends take an
exclusive lock on the log, so concurrent writers (processes too) never interleave or lose a
line, and each append is fsynced before the lock is released. Reads take a shared lock, so a
line without its newline is never an append in progress but a torn one (a crash during an
append).

Nothing is ever read past or written after a bad line: every line is validated on read (an
event's fields, and sequence numbers that only go up), and an error names the line; an append
first checks that the log ends with a complete, valid event. A torn last line is repaired only
by `repair()` (`vsmctl flag repair-log`), which keeps the whole log as a backup first.
"""

from __future__ import annotations

import fcntl
import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from vsmctl.errors import InputError

_CHUNK = 64 * 1024
REPAIR_HINT = "`vsmctl flag repair-log` moves it aside, keeping a backup of the whole log"


@dataclass(frozen=True)
class Event:
    seq: int
    time: str
    actor: str
    type: str
    data: dict[str, Any] = field(default_factory=dict)
    line: int = field(default=0, compare=False)  # 1-based line in the log (0: not read from one)

    @property
    def id(self) -> str:
        return f"e{self.seq}"

    def to_json(self) -> str:
        record = {"id": self.id, "seq": self.seq, "time": self.time, "actor": self.actor,
                  "type": self.type, "data": self.data}
        return json.dumps(record, sort_keys=False, separators=(",", ":"), ensure_ascii=False)


class CorruptLogError(InputError):
    """A line of the event log is not a valid event."""


class TornLogError(CorruptLogError):
    """The log's last line has no newline: an append was cut short."""


@dataclass(frozen=True)
class Chunk:
    """Events read from the log: `offset` and `line` are where the next read starts."""

    events: list[Event]
    offset: int
    line: int


@dataclass(frozen=True)
class Repair:
    """What `EventLog.repair` did: the torn tail it removed and where the whole log was kept."""

    backup: Path
    line: int
    removed: bytes


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def parse_event(raw: bytes, line: int) -> Event:
    """One line of the log as an Event; ValueError saying what is wrong (without the location)."""
    try:
        record = json.loads(raw)
    except ValueError as exc:
        raise ValueError(f"not JSON ({exc})") from None
    if not isinstance(record, dict):
        raise ValueError("not a JSON object")
    seq = record.get("seq")
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 1:
        raise ValueError(f"'seq' must be a positive integer, not {seq!r}")
    for name in ("time", "actor", "type"):
        if not isinstance(record.get(name), str) or not record[name]:
            raise ValueError(f"'{name}' must be a non-empty string, not {record.get(name)!r}")
    data = record.get("data", {})
    if not isinstance(data, dict):
        raise ValueError(f"'data' must be an object, not {data!r}")
    return Event(seq=seq, time=record["time"], actor=record["actor"], type=record["type"], data=data, line=line)


class EventLog:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def _bad(self, line: int, what: str, torn: bool = False) -> CorruptLogError:
        if torn:
            return TornLogError(f"{self.path}:{line}: the last line is incomplete (a crash during an append?); "
                                f"{REPAIR_HINT}")
        return CorruptLogError(f"{self.path}:{line}: corrupted event line ({what}); nothing is read past it or "
                               "appended after it: fix or remove that line by hand")

    def append(self, type: str, data: dict[str, Any], actor: str) -> Event:
        """Append one event atomically with respect to other writers and return it."""
        return self.append_many([(type, data)], actor)[0]

    def append_many(self, items: list[tuple[str, dict[str, Any]]], actor: str) -> list[Event]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o666)
        except OSError as exc:
            raise InputError(f"cannot open event log {self.path}: {exc.strerror or exc}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            seq = self._last_seq(fd)
            events = []
            lines = []
            for type_, data in items:
                seq += 1
                event = Event(seq=seq, time=now_iso(), actor=actor, type=type_, data=data)
                events.append(event)
                lines.append(event.to_json() + "\n")
            payload = "".join(lines).encode("utf-8")
            written = 0
            while written < len(payload):
                written += os.write(fd, payload[written:])
            os.fsync(fd)
            return events
        except OSError as exc:
            raise InputError(f"cannot append to event log {self.path}: {exc.strerror or exc}") from exc
        finally:
            os.close(fd)  # closing releases the lock

    def _last_seq(self, fd: int) -> int:
        """The last event's sequence number; raises unless the log ends with a complete, valid event."""
        size = os.fstat(fd).st_size
        if size == 0:
            return 0
        start = _last_line_start(fd, size)
        raw = os.pread(fd, size - start, start)
        if not raw.endswith(b"\n"):
            raise self._bad(self._line_at(start), "", torn=True)
        while not raw.strip() and start > 0:  # blank lines hold no event: the one before counts
            end, start = start, _last_line_start(fd, start)
            raw = os.pread(fd, end - start, start)
        if not raw.strip():
            return 0
        try:
            return parse_event(raw, 0).seq
        except ValueError as exc:
            raise self._bad(self._line_at(start), str(exc)) from None

    def _line_at(self, offset: int) -> int:
        """The 1-based line number at byte `offset` (for error messages, and when not remembered)."""
        with open(self.path, "rb") as handle:
            return handle.read(offset).count(b"\n") + 1

    def read_from(self, offset: int = 0, after_seq: int = 0, line: int | None = None) -> tuple[list[Event], int]:
        """The events after byte `offset`, and the offset just past them (see `read_after`)."""
        chunk = self.read_after(offset, after_seq, line)
        return chunk.events, chunk.offset

    def read_after(self, offset: int = 0, after_seq: int = 0, line: int | None = None) -> Chunk:
        """The events after byte `offset` (which must follow the event numbered `after_seq`, at
        line `line` when known). Any line that is not a valid event, or whose number does not go
        up, raises naming its line."""
        data = self._read_locked(offset)
        first = line if line is not None else (self._line_at(offset) if offset else 1)
        if data is None:
            return Chunk([], offset, first)
        events = []
        previous = after_seq
        for index, raw in enumerate(data.splitlines(keepends=True)):
            number = first + index
            if not raw.endswith(b"\n"):
                raise self._bad(number, "", torn=True)
            if not raw.strip():
                continue
            try:
                event = parse_event(raw, number)
            except ValueError as exc:
                raise self._bad(number, str(exc)) from None
            if event.seq <= previous:
                raise self._bad(number, f"sequence number {event.seq} after {previous}")
            previous = event.seq
            events.append(event)
        return Chunk(events, offset + len(data), first + data.count(b"\n"))

    def _read_locked(self, offset: int) -> bytes | None:
        """The bytes after `offset`, read under a shared lock (no append is half-way meanwhile)."""
        try:
            with open(self.path, "rb") as handle:
                fcntl.flock(handle.fileno(), fcntl.LOCK_SH)
                handle.seek(offset)
                return handle.read()
        except FileNotFoundError:
            return None

    def read(self, type_prefix: str | None = None, since: str | None = None) -> list[Event]:
        """All events, oldest first; a line that is not an event raises with its line number."""
        events, _ = self.read_from(0)
        return [e for e in events
                if (not type_prefix or e.type.startswith(type_prefix)) and (not since or e.time >= since)]

    def ends_after(self, offset: int, seq: int) -> bool:
        """Whether the line ending at byte `offset` is the event numbered `seq` (how a projection
        checks that the log it read up to `offset` is still the same log)."""
        if offset == 0:
            return seq == 0
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return False
        try:
            if os.fstat(fd).st_size < offset:
                return False
            start = _last_line_start(fd, offset)
            raw = os.pread(fd, offset - start, start)
        finally:
            os.close(fd)
        try:
            return raw.endswith(b"\n") and parse_event(raw, 0).seq == seq
        except ValueError:
            return False

    def repair(self, now: str | None = None) -> Repair:
        """Move a torn last line out of the log, after copying the whole log to a backup beside it.

        Only a torn last line is repaired: a complete line that is not an event is the user's to
        fix, since removing it could drop a real change.
        """
        try:
            fd = os.open(self.path, os.O_RDWR)
        except FileNotFoundError:
            raise InputError(f"{self.path}: no event log to repair") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            size = os.fstat(fd).st_size
            start = _last_line_start(fd, size) if size else 0
            tail = os.pread(fd, size - start, start)
            if not tail or tail.endswith(b"\n"):
                raise InputError(f"{self.path}: the last line is complete; nothing to repair")
            stamp = (now or now_iso()).replace(":", "").replace("-", "")
            backup = self.path.with_name(f"{self.path.name}.{stamp}.bak")
            _copy_file(fd, size, backup)
            os.ftruncate(fd, start)
            os.fsync(fd)
            return Repair(backup=backup, line=self._line_at(start), removed=tail)
        finally:
            os.close(fd)


def _last_line_start(fd: int, end: int) -> int:
    """The offset where the line holding byte `end - 1` starts (reading backwards in chunks)."""
    pos = end - 1  # the last byte: its own newline, if any, ends this line rather than the one before
    while pos > 0:
        start = max(0, pos - _CHUNK)
        cut = os.pread(fd, pos - start, start).rfind(b"\n")
        if cut >= 0:
            return start + cut + 1
        pos = start
    return 0


def _copy_file(fd: int, size: int, target: Path) -> None:
    with open(target, "xb") as out:
        done = 0
        while done < size:
            chunk = os.pread(fd, min(_CHUNK * 16, size - done), done)
            if not chunk:
                break
            out.write(chunk)
            done += len(chunk)
        out.flush()
        os.fsync(out.fileno())
