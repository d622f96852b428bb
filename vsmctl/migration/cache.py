"""What `roadmap status` computed last time, kept in `.vsm/cache/` so the next run reads only what
is new: the event log's projection (verified against the log's bytes before use) and each
experiment's parallel-run figures (keyed by the store's contents for that experiment).

Derived data only, rebuilt whenever it cannot be verified: a changed, truncated or switched log
(a branch checkout) fails the prefix hash and is read whole; a store that gained or lost
observations of an experiment fails its fingerprint and is recomputed exactly. The cache is
written only where `.vsm/.gitignore` already keeps `cache/` out of git, so reading the status
never leaves the tree dirty.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vsmctl.errors import InputError
from vsmctl.events import Event, EventLog
from vsmctl.gates.evaluate import FlagEvent
from vsmctl.workspace import Workspace, atomic_write_text

CACHE_NAME = "roadmap-status.json"
VERSION = 1


def essentials(definition: Any) -> dict[str, Any] | None:
    """What gates and status read of a flag definition: its state and rollout share."""
    if not isinstance(definition, dict):
        return None
    rollout = definition.get("rollout")
    percent = rollout.get("percent", 0) if isinstance(rollout, dict) else None
    return {"state": definition.get("state"), "rollout": None if percent is None else {"percent": percent}}


@dataclass
class LogProjection:
    offset: int = 0
    seq: int = 0
    line: int = 1
    prefix_sha: str = hashlib.sha256(b"").hexdigest()
    flags: dict[str, list[list[Any]]] = field(default_factory=dict)  # key -> [[time, essentials], ...]
    extract: dict[str, list[Any]] = field(default_factory=dict)  # package -> [seq, time, actor, type]

    def fold(self, events: list[Event]) -> None:
        for event in events:
            if event.type.startswith("flag.") and isinstance(event.data.get("key"), str):
                self.flags.setdefault(event.data["key"], []).append([event.time, essentials(event.data.get("after"))])
            elif event.type.startswith("extract.") and isinstance(event.data.get("package"), str):
                self.extract[event.data["package"]] = [event.seq, event.time, event.actor, event.type]

    def as_json(self) -> dict[str, Any]:
        # by hand: dataclasses.asdict deep-copies every history entry (0.9 s on 10,000 events)
        return {"offset": self.offset, "seq": self.seq, "line": self.line, "prefix_sha": self.prefix_sha,
                "flags": self.flags, "extract": self.extract}

    def histories(self) -> dict[str, tuple[FlagEvent, ...]]:
        return {key: tuple(FlagEvent(t, after) for t, after in items) for key, items in self.flags.items()}

    def extract_events(self) -> dict[str, Event]:
        return {name: Event(seq=s, time=t, actor=a, type=ty) for name, (s, t, a, ty) in self.extract.items()}


class StatusCache:
    def __init__(self, root: Path) -> None:
        workspace = Workspace(root)
        self.log_path = workspace.events_path
        self.path = workspace.cache_dir / CACHE_NAME
        # only where .vsm/.gitignore keeps cache/ out of git (see the module's docstring)
        self.writable = (workspace.vsm_dir / ".gitignore").is_file()
        self.doc = self._load()
        self.changed = False

    def _load(self) -> dict[str, Any]:
        try:
            doc = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {"version": VERSION}
        return doc if isinstance(doc, dict) and doc.get("version") == VERSION else {"version": VERSION}

    def save(self) -> None:
        if self.writable and self.changed:
            with contextlib.suppress(InputError):  # a cache that cannot be written is only slower next time
                atomic_write_text(self.path, json.dumps(self.doc, separators=(",", ":")))

    # --- the event log ---------------------------------------------------------------------
    def log_projection(self) -> LogProjection:
        """The projection of the whole log: the cached one brought up to date, or built anew."""
        log = EventLog(self.log_path)
        try:
            data = self.log_path.read_bytes()
        except FileNotFoundError:
            data = b""
        projection = self._cached_projection(data)
        chunk = log.read_after(projection.offset, projection.seq, projection.line)
        if chunk.events or chunk.offset != projection.offset:
            projection.fold(chunk.events)
            projection.seq = chunk.events[-1].seq if chunk.events else projection.seq
            projection.offset, projection.line = chunk.offset, chunk.line
            projection.prefix_sha = hashlib.sha256(data[: chunk.offset]).hexdigest()
            self.doc["log"] = projection.as_json()
            self.changed = True
        return projection

    def _cached_projection(self, data: bytes) -> LogProjection:
        cached = self.doc.get("log")
        if not isinstance(cached, dict):
            return LogProjection()
        try:
            projection = LogProjection(**cached)
        except TypeError:
            return LogProjection()
        if len(data) < projection.offset or hashlib.sha256(data[: projection.offset]).hexdigest() != \
                projection.prefix_sha:
            return LogProjection()  # not the log the projection was made from: read it whole
        return projection

    # --- parallel-run figures --------------------------------------------------------------
    def parallel(self, experiment: str, fingerprint: list[Any]) -> dict[str, Any]:
        """What was computed for the experiment while the store held the same observations ({}: none)."""
        found = (self.doc.get("parallel") or {}).get(experiment)
        if isinstance(found, dict) and found.get("fingerprint") == fingerprint:
            return found
        return {}

    def keep_parallel(self, experiment: str, fingerprint: list[Any], **computed: Any) -> None:
        entry = self.parallel(experiment, fingerprint) or {"fingerprint": fingerprint}
        entry.update(computed)
        self.doc.setdefault("parallel", {})[experiment] = entry
        self.changed = True


def sqlite_fingerprint(database: Path, experiment: str) -> list[Any] | None:
    """What identifies an experiment's observations in a SQLite store: the file and, per table, the
    last row id and the row count (rows are only ever appended)."""
    import sqlite3

    try:
        stat = os.stat(database)
        db = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    except (OSError, sqlite3.Error):
        return None
    try:
        batches = db.execute("SELECT COALESCE(MAX(id), 0), COUNT(*), COALESCE(SUM(count), 0) FROM batches "
                             "WHERE experiment = ?", (experiment,)).fetchone()
        rows = db.execute("SELECT COALESCE(MAX(id), 0), COUNT(*) FROM observations WHERE experiment = ?",
                          (experiment,)).fetchone()
    except sqlite3.Error:
        return None
    finally:
        db.close()
    return [stat.st_ino, *batches, *rows]
