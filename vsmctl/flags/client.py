"""The runtime client: what a monolith calls on its hot path.

Standard library only (redis is imported only by `Flags.from_redis`). Evaluation never raises:
on any problem the caller's default comes back (reason ERROR) and the problem is logged once.
The file is re-read when it changes (a stat at most every `check_interval` seconds), and a
broken file keeps the last good flags. Nothing is shared between processes, so forked workers
are safe; a Redis subscriber thread is restarted in a forked child on its next check.
"""

from __future__ import annotations

import os
import time

from vsmctl.flags.evaluation import Evaluation, compile_flag, error, evaluate, fast_outcome
from vsmctl.flags.model import ERROR, TARGETING_KEY, FlagError, validate
from vsmctl.locate import workspace_file
from vsmctl.log_once import LogOnce

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing, json and threading are not imported on the way to the hot path
    from collections.abc import Mapping
    from typing import Any

    from vsmctl.flags.evaluation import FastPath

_monotonic = time.monotonic
# Clients that count their evaluations (Flags.count_evaluations); vsmctl.metrics reads them at a
# scrape. A set of weak references: counting must not keep a client alive.
COUNTING: Any = None


def counting_clients() -> list[Flags]:
    return list(COUNTING) if COUNTING is not None else []


def load_document(data: bytes | str) -> dict[str, dict[str, Any]]:
    """The flags of a flags.json document (or of a Redis message), validated."""
    import json

    doc = json.loads(data)
    flags = doc.get("flags") if isinstance(doc, dict) else None
    if not isinstance(flags, dict):
        raise FlagError("not a flags document: no 'flags' mapping")
    return {key: validate(flag) for key, flag in flags.items()}


def find_flags_file(start: str = ".") -> str:
    """`.vsm/flags.json` of the workspace enclosing `start`."""
    return workspace_file("flags.json", start)


class Flags:
    """Feature flags for running code.

        flags = Flags.from_workspace()
        if flags.enabled("extract.vsm-s3-control", key=user_id): ...
    """

    count_by_default = False  # vsmctl.metrics.enable() sets it: clients made afterwards count

    def __init__(self, path: str | None = None, check_interval: float = 1.0) -> None:
        self._path = path
        self._interval = check_interval
        self._next_check = 0.0
        self._signature: tuple[int, int, int] | None = None
        self._flags: dict[str, dict[str, Any]] = {}
        self._fast: dict[str, FastPath] = {}
        self._entries: dict[str, tuple[dict[str, Any], FastPath, Any]] = {}
        self._log_once = LogOnce("vsmctl.flags")
        self._subscriber: Any = None
        self._pid = os.getpid()
        # (flag, variant, reason) -> evaluations, when counting (metrics); None costs nothing
        self.counts: dict[tuple[str, str | None, str], int] | None = None
        if Flags.count_by_default:
            self.count_evaluations()
        if path is not None:
            now = _monotonic()
            self._check_file(now)
            self._next_check = now + check_interval

    # --- construction -------------------------------------------------------------------
    @classmethod
    def from_file(cls, path: str | os.PathLike[str], check_interval: float = 1.0) -> Flags:
        return cls(os.fspath(path), check_interval)

    @classmethod
    def from_workspace(cls, start: str | os.PathLike[str] = ".", check_interval: float = 1.0) -> Flags:
        return cls(find_flags_file(os.fspath(start)), check_interval)

    @classmethod
    def from_redis(cls, url: str, channel: str = "vsm:flags", fallback_file: str | None = None,
                   check_interval: float = 1.0) -> Flags:
        """Flags published by `vsmctl flag ... --backend redis://...`, updated through pub/sub."""
        from vsmctl.flags.redis_channel import Subscriber

        flags = cls(fallback_file, check_interval)
        flags._subscriber = Subscriber(url, channel, flags._replace_from_message, flags._log_once)
        flags._subscriber.start()
        return flags

    def close(self) -> None:
        if self._subscriber is not None:
            self._subscriber.stop()

    # --- the hot path -------------------------------------------------------------------
    def enabled(self, name: str, key: Any = None, default: bool = False) -> bool:
        """Whether the flag is on for this targeting key (a user id, a tenant ...)."""
        now = _monotonic()
        if now >= self._next_check:
            self._refresh(now)
        try:
            fast = self._fast[name]
        except KeyError:
            self._log_once(self._missing(name))
            if self.counts is not None:
                self._count(name, None, ERROR)
            return default
        try:
            # a boolean flag's variants are bools (validated), anything else is the caller's default
            return fast(key, default)  # type: ignore[no-any-return]
        except Exception as exc:  # never into the caller
            self._log_once(f"flag {name}: {exc!r}")
            return default

    def value(self, name: str, default: Any, key: Any = None, context: Mapping[str, Any] | None = None) -> Any:
        return self.evaluate(name, default, key=key, context=context).value

    def evaluate(self, name: str, default: Any, key: Any = None,
                 context: Mapping[str, Any] | None = None) -> Evaluation:
        """Value, variant and reason (STATIC, TARGETING_MATCH, SPLIT, DISABLED, DEFAULT, ERROR)."""
        try:
            now = _monotonic()
            if now >= self._next_check:
                self._refresh(now)
            entry = self._entries.get(name)
            if entry is None:
                self._log_once(self._missing(name))
                result = error(default, f"flag {name!r} not found")
            elif context or entry[2] is None:
                result = self._checked(name, entry[0], key, context, default)
            else:  # no attributes, a shape the compiled closure serves: its memo instead of a full evaluation
                value = entry[1](key, default)
                result = self._typed(name, entry[0], Evaluation(value, *entry[2](key, value)), default)
            if self.counts is not None:
                self._count(name, result.variant, result.reason)
            return result
        except Exception as exc:
            self._log_once(f"flag {name}: {exc!r}")
            return error(default, str(exc))

    def _checked(self, name: str, flag: dict[str, Any], key: Any, context: Mapping[str, Any] | None,
                 default: Any) -> Evaluation:
        """The evaluation, or the caller's default (ERROR) when the flag's type is not the default's."""
        # evaluate() only reads the context: build a new one only to add the key
        ctx = context or {} if key is None else {**(context or {}), TARGETING_KEY: key}
        return self._typed(name, flag, evaluate(flag, ctx, default), default)

    def _typed(self, name: str, flag: dict[str, Any], result: Evaluation, default: Any) -> Evaluation:
        if result.value is not None and default is not None and type(result.value) is not type(default) \
                and not (isinstance(default, float) and isinstance(result.value, int)):
            message = f"flag {name!r} is a {flag['type']}, the default is a {type(default).__name__}"
            self._log_once(f"{message}; the default is used")
            return error(default, message)
        return result

    # --- counting, for metrics -----------------------------------------------------------
    def count_evaluations(self) -> None:
        """Count evaluations by (flag, variant, reason) in `counts` (what vsmctl.metrics exports).
        Off by default: counting costs a dict update per call."""
        global COUNTING
        if self.counts is not None:
            return
        if COUNTING is None:
            import weakref

            COUNTING = weakref.WeakSet()
        self.counts = {}
        COUNTING.add(self)
        self._install(self._flags)

    def _count(self, name: str, variant: str | None, reason: str) -> None:
        counts = self.counts
        if counts is not None:
            slot = (name, variant, reason)
            counts[slot] = counts.get(slot, 0) + 1

    def _counted(self, name: str, flag: dict[str, Any], fast: FastPath) -> FastPath:
        outcome = fast_outcome(flag)
        count = self._count
        if outcome is None:  # rules, or a split on another attribute: the full evaluation says
            def counted_in_full(key: Any, default: Any) -> Any:
                result = evaluate(flag, {} if key is None else {TARGETING_KEY: key}, default)
                count(name, result.variant, result.reason)
                return result.value

            return counted_in_full

        def counted(key: Any, default: Any) -> Any:
            value = fast(key, default)
            count(name, *outcome(key, value))
            return value

        return counted

    def _missing(self, name: str) -> str:
        where = f" in {self._path}" if self._path is not None else ""
        return f"flag {name!r} not found{where}; the default is used"

    @property
    def keys(self) -> list[str]:
        return sorted(self._flags)

    # --- keeping up to date -------------------------------------------------------------
    def _refresh(self, now: float) -> None:
        self._next_check = now + self._interval
        if self._subscriber is not None and os.getpid() != self._pid:
            self._pid = os.getpid()  # a forked child: its parent's thread did not come along
            self._subscriber = self._subscriber.restarted()
        if self._path is not None:
            self._check_file(now)

    def _check_file(self, now: float) -> None:
        try:
            st = os.stat(self._path)  # type: ignore[arg-type]
        except FileNotFoundError:
            if self._signature is not None:
                self._log_once(f"{self._path} disappeared; keeping the last flags")
            else:
                self._log_once(f"no flags file at {self._path}; every flag gives the caller's default")
            return
        except OSError as exc:
            self._log_once(f"cannot stat {self._path}: {exc}")
            return
        signature = (st.st_mtime_ns, st.st_size, st.st_ino)
        if signature == self._signature:
            return
        try:
            with open(self._path, "rb") as handle:  # type: ignore[arg-type]
                flags = load_document(handle.read())
        except (OSError, ValueError) as exc:
            self._log_once(f"{self._path} is not usable ({exc}); keeping the last good flags")
            self._signature = signature  # do not re-read the same bad file on every check
            return
        self._signature = signature
        self._install(flags)

    def _not_boolean(self, name: str, flag: dict[str, Any]) -> FastPath:
        """`enabled()` on a string, number or json flag: the caller's default, logged once."""
        message = f"flag {name!r} is a {flag.get('type')}, enabled() wants a boolean; the default is used"

        def wrong_type(key: Any, default: Any) -> Any:
            self._log_once(message)
            self._count(name, None, ERROR)
            return default

        return wrong_type

    def _replace_from_message(self, data: bytes | str) -> None:
        try:
            self._install(load_document(data))
        except (ValueError, TypeError) as exc:
            self._log_once(f"bad flags message from Redis ({exc}); keeping the last good flags")

    def _install(self, flags: dict[str, dict[str, Any]]) -> None:
        compiled = {key: compile_flag(flag) for key, flag in flags.items()}
        # for evaluate(): the definition, its closure and how to name the closure's outcome, in one
        # entry so that a reader never pairs a new definition with an old closure
        entries = {key: (flag, compiled[key], fast_outcome(flag)) for key, flag in flags.items()}
        fast = {key: compiled[key] if flag.get("type", "boolean") == "boolean" else self._not_boolean(key, flag)
                for key, flag in flags.items()}
        if self.counts is not None:
            fast = {key: self._counted(key, flags[key], f) if flags[key].get("type", "boolean") == "boolean" else f
                    for key, f in fast.items()}
        # Each attribute is swapped whole (atomic under the GIL); a reader on another thread sees
        # old or new definitions, never a half-built dict. No lock on the hot path.
        self._entries = entries
        self._fast = fast
        self._flags = flags
