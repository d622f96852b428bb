"""The flag store (CLI side): every change is an event in `.vsm/events.jsonl`; `.vsm/flags.json`
is the projection of those events that running code reads.

A change runs under an exclusive lock on the `.vsm` folder: read the current state, check the
change, append its event (with the definition before and after), then bring flags.json up to
date and replace it atomically. Two processes flipping flags at once are thus serialized: no
event is lost and flags.json always matches a prefix of the log. flags.json remembers the
sequence number and log offset it reflects, so each change reads only the new events.
"""

from __future__ import annotations

import copy
import fcntl
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from vsmctl.errors import InputError
from vsmctl.events import CorruptLogError, Event, EventLog, Repair, now_iso
from vsmctl.flags import eterm
from vsmctl.flags.model import FlagError, validate
from vsmctl.workspace import Workspace, atomic_write_text

EVENT_PREFIX = "flag."


@dataclass(frozen=True)
class Change:
    event: Event
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def default_actor(root: str) -> str:
    """Who makes a change: git's user.name <user.email>, else the login name."""
    import subprocess

    def git(key: str) -> str:
        try:
            out = subprocess.run(["git", "config", key], cwd=root, capture_output=True, text=True, timeout=5)
            return out.stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    name, email = git("user.name"), git("user.email")
    if name or email:
        return f"{name} <{email}>".strip() if email else name
    return os.environ.get("USER") or os.environ.get("USERNAME") or "unknown"


class FlagStore:
    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.log = EventLog(workspace.events_path)

    # --- reading --------------------------------------------------------------------------
    def _read_projection(self) -> dict[str, Any] | None:
        try:
            doc = json.loads(self.workspace.flags_path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError, OSError):
            return None
        if not isinstance(doc, dict) or not isinstance(doc.get("flags"), dict) or "last_seq" not in doc:
            return None
        return doc

    def current(self) -> dict[str, dict[str, Any]]:
        """The flags as of the whole log (flags.json when it is up to date)."""
        doc = self._catch_up(self._read_projection())
        return doc["flags"]

    def get(self, key: str) -> dict[str, Any]:
        flags = self.current()
        if key not in flags:
            known = ", ".join(sorted(flags)) or "none yet"
            raise InputError(f"unknown flag {key!r} (flags: {known})")
        return flags[key]

    def history(self, key: str | None = None) -> list[Event]:
        events = [e for e in self.log.read(type_prefix=EVENT_PREFIX) if key is None or e.data.get("key") == key]
        for event in events:
            self._check_event(event)
        return events

    def _check_event(self, event: Event) -> None:
        """A flag event's data is validated on read, like the event itself: the error names the line."""
        data = event.data
        problem = None
        if not isinstance(data.get("key"), str):
            problem = f"'key' must be a flag name, not {data.get('key')!r}"
        else:
            for side in ("before", "after"):
                value = data.get(side)
                if value is None:
                    continue
                try:
                    validate(value)
                except FlagError as exc:
                    problem = f"'{side}' is not a flag definition: {exc}"
                    break
                if value.get("key") != data["key"]:
                    problem = f"'{side}' defines {value.get('key')!r}, not {data['key']!r}"
                    break
        if problem:
            raise CorruptLogError(f"{self.log.path}:{event.line}: {event.type} event {event.id}: {problem}")

    # --- projection -----------------------------------------------------------------------
    def _catch_up(self, doc: dict[str, Any] | None) -> dict[str, Any]:
        """Apply the events after what `doc` reflects (all of them when doc is None)."""
        if doc is None:
            doc = {"version": 1, "last_seq": 0, "log_offset": 0, "flags": {}}
        offset = int(doc.get("log_offset", 0))
        last_seq = int(doc.get("last_seq", 0))
        line = doc.get("log_line") if isinstance(doc.get("log_line"), int) else None
        if not self.log.ends_after(offset, last_seq):
            # Read the whole log first: a bad line is reported where it is. Only a log that
            # reads well but is not the one flags.json was made from gets the rebuild advice.
            self.log.read_from(0)
            raise InputError(
                f"{self.workspace.events_path} is not the log {self.workspace.flags_path.name} was made from "
                f"(event e{last_seq} does not end at byte {offset}: truncated or replaced?); "
                "`vsmctl flag rebuild` rebuilds flags.json from the log as it is"
            )
        chunk = self.log.read_after(offset, after_seq=last_seq, line=line)
        flags = doc["flags"]
        for event in chunk.events:
            if event.type.startswith(EVENT_PREFIX):
                self._check_event(event)
                after = event.data.get("after")
                if after is None:
                    flags.pop(event.data.get("key"), None)
                else:
                    flags[after["key"]] = after
            last_seq = event.seq
        doc["last_seq"] = last_seq
        doc["log_offset"] = chunk.offset
        doc["log_line"] = chunk.line
        return doc

    def _write_projection(self, doc: dict[str, Any]) -> None:
        doc = {"version": 1, "updated": now_iso(), "last_seq": doc["last_seq"], "log_offset": doc["log_offset"],
               "log_line": doc.get("log_line"), "flags": {k: doc["flags"][k] for k in sorted(doc["flags"])}}
        atomic_write_text(self.workspace.flags_path, json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
        # the same flags as Erlang terms, for Elixir on OTP 25 (no JSON parser): see flags/eterm.py; only
        # where Elixir code can read them, so a Python workspace gains no file to commit
        terms = self.workspace.flags_path.with_name("flags.eterm")
        if terms.exists() or _holds_mix_project(self.workspace.root):
            atomic_write_text(terms, eterm.render(doc["flags"]))

    def rebuild(self) -> dict[str, dict[str, Any]]:
        """flags.json anew from the whole log (after it was lost, corrupted or hand-edited)."""
        with self._locked():
            doc = self._catch_up(None)
            self._write_projection(doc)
        return doc["flags"]

    def repair_log(self) -> Repair:
        """Remove a torn last line from the log (`vsmctl flag repair-log`), keeping a backup, and
        rebuild flags.json from the repaired log (it may have been made with the torn event)."""
        with self._locked():
            repair = self.log.repair()
            self._write_projection(self._catch_up(None))
        return repair

    # --- changing -------------------------------------------------------------------------
    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.workspace.ensure_vsm_dir()
        # The lock is taken on the .vsm folder itself: no lock file is left behind in the tree.
        fd = os.open(self.workspace.vsm_dir, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def change(self, key: str, action: str, mutate: Callable[[dict[str, Any] | None], dict[str, Any] | None],
               actor: str, reason: str | None = None, extra: dict[str, Any] | None = None) -> Change:
        """Apply `mutate` to the flag's current definition, atomically with respect to other writers.

        `mutate` gets a copy (None if the flag does not exist) and returns the new definition
        (None to delete); a FlagError from it or from validation changes nothing.
        """
        with self._locked():
            doc = self._catch_up(self._read_projection())
            before = doc["flags"].get(key)
            try:
                after = mutate(copy.deepcopy(before))
                if after is not None:
                    after = validate(after)
            except FlagError as exc:
                raise InputError(str(exc)) from None
            if after == before:
                raise InputError(f"{key}: nothing to change (the flag is already like that)")
            data: dict[str, Any] = {"key": key, "action": action, "reason": reason, "before": before, "after": after}
            if extra:
                data.update(extra)
            event = self.log.append(f"{EVENT_PREFIX}{action}", data, actor)
            doc = self._catch_up(doc)
            self._write_projection(doc)
        return Change(event, before, after)

    def state_at(self, key: str, target: str) -> tuple[dict[str, Any] | None, Event]:
        """The flag's definition right after event `target` (e.g. `e12` or `12`), or as of a time."""
        events = self.history(key)
        if not events:
            raise InputError(f"unknown flag {key!r}: it has no history")
        chosen: Event | None = None
        seq = target[1:] if target[:1] in ("e", "E") else target
        if seq.isdigit():
            matches = [e for e in events if e.seq == int(seq)]
            if not matches:
                raise InputError(f"event {target} is not in the history of '{key}' (see vsmctl flag history {key})")
            chosen = matches[0]
        else:
            moment = _parse_time(target)
            before = [e for e in events if _parse_time(e.time) <= moment]
            if not before:
                raise InputError(f"'{key}' did not exist yet at {target}")
            chosen = before[-1]
        return chosen.data.get("after"), chosen


def _holds_mix_project(root: Path) -> bool:
    """A `mix.exs` at the workspace root or up to two folders down (an umbrella, an example)."""
    return any(any(root.glob(pattern)) for pattern in ("mix.exs", "*/mix.exs", "*/*/mix.exs"))


def _parse_time(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"'{text}' is neither an event id (like e12) nor a time (like 2026-11-26T10:00:00Z)") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def is_stale(flag: dict[str, Any], today: str | None = None) -> bool:
    expires = flag.get("expires")
    if not expires:
        return False
    today = today or datetime.now(UTC).date().isoformat()
    return str(expires)[:10] < today
