"""Where mode="async" candidates run: after the control returned, off the caller's thread.

One worker thread runs the queued observations one after the other, candidates inline (no
thread per observation: that would cost more than a trivial candidate). A watchdog bounds
each observation: when one runs past its bound (`timeout=`, ASYNC_BOUND when not given) its
worker is retired — left to finish alone, its result discarded — the observation is recorded
as a timeout, and a fresh worker takes the queue over, so one hung candidate holds up the
observations after it by its bound at most. With MAX_LEFT_BEHIND retired workers still hung,
no new one is started and samples are dropped (counted) until one of them returns.
Standard library only; loaded on the first async observation.
"""

from __future__ import annotations

import os
import queue
import threading
import time

from vsmctl.log_once import LogOnce

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

_log_once = LogOnce("vsmctl.parallel")

ASYNC_BOUND = 10.0  # seconds an async observation may take when the experiment gives no timeout=
MAX_LEFT_BEHIND = 16  # retired workers still running a hung candidate; beyond this, samples are dropped
POLL = 0.05  # how often the watchdog looks while observations are running


class _Worker:
    __slots__ = ("deadline", "job", "retired", "thread")

    def __init__(self) -> None:
        self.job: tuple[Any, ...] | None = None
        self.deadline = 0.0
        self.retired = False
        self.thread: threading.Thread | None = None


class Background:
    """`observe(cfg, control, step)` runs one candidate and compares it (a Result);
    `finish(cfg, control, results)` publishes an observation; `late(name)` is the Result of a
    candidate that ran past its bound. They come from vsmctl.parallel.experiment, which imports
    this module: passed in, not imported back."""

    MAX_QUEUED = 10_000

    def __init__(self, observe: Callable[..., Any], finish: Callable[..., None], late: Callable[[str], Any]) -> None:
        self.observe, self.finish, self.late = observe, finish, late
        self.queue: queue.Queue[Any] = queue.Queue(self.MAX_QUEUED)
        self.dropped = 0
        self.pid = os.getpid()
        self.lock = threading.Lock()
        self.busy = threading.Event()  # set while observations run: the watchdog polls only then
        self.left_behind: list[_Worker] = []
        self.worker: _Worker | None = self._spawn()
        threading.Thread(target=self._watch, name="vsmctl-experiments-watchdog", daemon=True).start()

    def submit(self, cfg: Any, control: Any, planned: list[Any], skipped: list[Any]) -> None:
        if self.worker is None and not self._restart():  # too many hung candidates: nobody would run it
            self.dropped += 1
            return
        try:
            self.queue.put_nowait((cfg, control, planned, skipped))
        except queue.Full:
            self.dropped += 1  # the caller never waits: past the backlog, samples are dropped

    def join(self) -> None:
        self.queue.join()

    def _spawn(self) -> _Worker:
        worker = _Worker()
        worker.thread = threading.Thread(target=self._loop, args=(worker,), name="vsmctl-experiments", daemon=True)
        worker.thread.start()
        return worker

    def _loop(self, worker: _Worker) -> None:
        while True:
            job = self.queue.get()
            cfg, control, planned, skipped = job
            bound = cfg.timeout if cfg.timeout is not None else ASYNC_BOUND
            with self.lock:
                worker.job, worker.deadline = job, time.monotonic() + bound
                self.busy.set()
            results = [self.observe(cfg, control, step) for step in planned]
            with self.lock:
                worker.job = None
                if worker.retired:  # the watchdog recorded this job as a timeout and took its place
                    return
            try:
                self.finish(cfg, control, results + skipped)
            except Exception as exc:  # pragma: no cover - finish is guarded already
                _log_once(f"experiment {cfg.name}: {exc!r}")
            self.queue.task_done()

    def _watch(self) -> None:
        while True:
            self.busy.wait()
            time.sleep(POLL)
            hung = self._check()
            if hung is not None:
                cfg, control, planned, skipped = hung
                self.finish(cfg, control, [self.late(step[0]) for step in planned] + skipped)
                self.queue.task_done()  # the retired worker never will

    def _prune(self) -> None:
        """Forget retired workers whose candidate has returned at last (call with the lock held)."""
        self.left_behind = [w for w in self.left_behind if w.thread is not None and w.thread.is_alive()]

    def _restart(self) -> bool:
        """A worker again once fewer than MAX_LEFT_BEHIND hung ones remain; whether there is one."""
        with self.lock:
            self._prune()
            if self.worker is None and len(self.left_behind) < MAX_LEFT_BEHIND:
                self.worker = self._spawn()
            return self.worker is not None

    def _check(self) -> tuple[Any, ...] | None:
        """Retire a worker past its deadline (returning its job), restart or drain; idle: rest."""
        if self.worker is None and not self._restart():
            with self.lock:
                self._drain()
            return None
        with self.lock:
            worker = self.worker
            if worker is None:
                return None
            if worker.job is None:
                if self.queue.empty():
                    self.busy.clear()
                return None
            if time.monotonic() < worker.deadline:
                return None
            job, worker.retired = worker.job, True
            self._prune()
            self.left_behind.append(worker)
            self.worker = self._spawn() if len(self.left_behind) < MAX_LEFT_BEHIND else None
            if self.worker is None:
                self._drain()
            return job

    def _drain(self) -> None:
        """No worker: what is queued would wait for ever. Dropped, counted."""
        if self.worker is not None:
            return
        while True:
            try:
                self.queue.get_nowait()
            except queue.Empty:
                return
            self.dropped += 1
            self.queue.task_done()


_BACKGROUND: list[Background] = []


def background(observe: Callable[..., Any], finish: Callable[..., None], late: Callable[[str], Any]) -> Background:
    """The process's worker (made on first use, and again in a forked child, which has no thread)."""
    if not _BACKGROUND or _BACKGROUND[0].pid != os.getpid():
        _BACKGROUND[:] = [Background(observe, finish, late)]
    return _BACKGROUND[0]


def wait() -> None:
    """Block until async candidates submitted so far have run or timed out (tests, shutdown)."""
    if _BACKGROUND:
        _BACKGROUND[0].join()
