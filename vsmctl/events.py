"""The append-only event log (`.vsm/events.jsonl`): the audit trail and the source of status.

One JSON object a line: {"id", "seq", "time", "actor", "type", "data"}. Appends take an
exclusive lock on the log, so concurrent writers (processes too) never interleave or lose a
line, and each append is fsynced before the lock is released. Reads never skip a corrupted
line silently: they raise naming its line number.
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

_TAIL_BYTES = 64 * 1024


@dataclass(frozen=True)
class Event:
    seq: int
    time: str
    actor: str
    type: str
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"e{self.seq}"

    def to_json(self) -> str:
        record = {"id": self.id, "seq": self.seq, "time": self.time, "actor": self.actor,
                  "type": self.type, "data": self.data}
        return json.dumps(record, sort_keys=False, separators=(",", ":"), ensure_ascii=False)


class CorruptLogError(InputError):
    """A line of the event log is not a valid event."""


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


class EventLog:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def append(self, type: str, data: dict[str, Any], actor: str) -> Event:
        """Append one event atomically with respect to other writers and return it."""
        return self.append_many([(type, data)], actor)[0]

    def append_many(self, items: list[tuple[str, dict[str, Any]]], actor: str) -> list[Event]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
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
        size = os.fstat(fd).st_size
        if size == 0:
            return 0
        start = max(0, size - _TAIL_BYTES)
        chunk = os.pread(fd, size - start, start)
        lines = chunk.rstrip(b"\n").split(b"\n")
        if start > 0 and len(lines) > 1:
            lines = lines[1:]  # the first may be cut in the middle
        for raw in reversed(lines):
            try:
                return int(json.loads(raw)["seq"])
            except (ValueError, KeyError, TypeError):
                continue
        # No readable tail: fall back to counting, so sequence numbers stay unique.
        return os.pread(fd, size, 0).count(b"\n")

    def read_from(self, offset: int = 0) -> tuple[list[Event], int]:
        """The complete events after byte `offset`, and the offset just past them.

        A line still being written (no newline yet) is left for the next read; a line that is
        not an event raises, naming its line number.
        """
        try:
            with open(self.path, "rb") as handle:
                handle.seek(offset)
                data = handle.read()
        except FileNotFoundError:
            return [], offset
        events = []
        consumed = 0
        for index, raw in enumerate(data.splitlines(keepends=True)):
            if not raw.endswith(b"\n"):
                break
            consumed += len(raw)
            if not raw.strip():
                continue
            try:
                record = json.loads(raw)
                events.append(Event(seq=int(record["seq"]), time=str(record["time"]),
                                    actor=str(record["actor"]), type=str(record["type"]),
                                    data=dict(record.get("data") or {})))
            except (ValueError, KeyError, TypeError) as exc:
                raise CorruptLogError(
                    f"{self.path}:{self._line_number(offset) + index}: corrupted event line "
                    f"({type(exc).__name__}: {exc})"
                ) from exc
        return events, offset + consumed

    def _line_number(self, offset: int) -> int:
        """The 1-based line number at byte `offset` (only for error messages)."""
        with open(self.path, "rb") as handle:
            return handle.read(offset).count(b"\n") + 1

    def read(self, type_prefix: str | None = None, since: str | None = None) -> list[Event]:
        """All events, oldest first; a line that is not an event raises with its line number."""
        events, _ = self.read_from(0)
        return [e for e in events
                if (not type_prefix or e.type.startswith(type_prefix)) and (not since or e.time >= since)]
