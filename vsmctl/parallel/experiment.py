"""Experiments: the control (old code) serves, candidates (new code) run beside it and are compared.

    @experiment("s3.allocate", candidate=new_allocate, sample="extract.vsm-s3-control")
    def allocate(budget, demand): ...            # the old implementation stays the control

    with Experiment("s3.allocate") as e:
        e.control(old_allocate, budget, demand)
        e.candidate(new_allocate, budget, demand)
        result = e.run()

The caller always gets the control's result or exception. Nothing a candidate, a hook or the
recorder does can raise into the caller or change what it gets: candidates receive deep copies
of mutable arguments (a candidate whose arguments cannot be copied is skipped, and counted),
comparisons and hooks run under a guard, and with `timeout=` the candidate and its comparison
together are bounded. Control and candidates run in random order (`order="control-first"` or
`"candidates-first"` fixes it). Standard library only.
"""

from __future__ import annotations

import time
from itertools import count

from vsmctl.log_once import LogOnce

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import Any

_perf = time.perf_counter_ns


def _rand() -> float:
    # random (and the collections/functools it pulls in) is imported on first use, not with the
    # package: importing vsmctl.parallel must stay cheap for the code that serves traffic.
    from random import random

    return random()


def _coin() -> bool:
    """Which goes first, control or candidate: the clock's last bit is random enough for an order."""
    return bool(_perf() & 1)


def _always() -> bool:
    return True


def _never() -> bool:
    return False


ORDERS = ("random", "control-first", "candidates-first")


def _wraps(wrapped: Callable[..., Any], wrapper: Callable[..., Any]) -> Callable[..., Any]:
    for attr in ("__module__", "__name__", "__qualname__", "__doc__"):
        if hasattr(wrapped, attr):
            setattr(wrapper, attr, getattr(wrapped, attr))
    wrapper.__dict__.update(getattr(wrapped, "__dict__", {}))
    wrapper.__wrapped__ = wrapped  # type: ignore[attr-defined]
    return wrapper
_IMMUTABLE = (int, float, str, bytes, bool, type(None), complex, frozenset)
_calls = count()


class Result:
    """One implementation's outcome in one observation."""

    __slots__ = ("compared", "error", "exc", "name", "ns", "status", "value")

    def __init__(self, name: str) -> None:
        self.name = name
        self.value: Any = None
        self.exc: BaseException | None = None
        self.error: str | None = None  # "Type: message", what gets recorded
        self.ns = 0
        self.status = "match"
        self.compared = False  # the status is final (decided where the candidate ran)

    def __repr__(self) -> str:
        return f"Result({self.name!r}, value={self.value!r}, error={self.error!r}, status={self.status!r})"


def _call(result: Result, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    start = _perf()
    try:
        result.value = fn(*args, **kwargs)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:
        result.exc = exc
        result.error = f"{type(exc).__name__}: {exc}"[:500]
    result.ns = _perf() - start


def _needs_copy(args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
    return any(not isinstance(a, _IMMUTABLE) for a in args) or any(
        not isinstance(v, _IMMUTABLE) for v in kwargs.values())


def _copy(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[tuple[Any, ...], dict[str, Any]] | None:
    """Deep copies of the arguments for a candidate, or None when they cannot be copied: the
    candidate is then skipped, since handing it the caller's objects lets it change them."""
    if not _needs_copy(args, kwargs):
        return args, kwargs
    import copy

    try:
        return copy.deepcopy(args), copy.deepcopy(kwargs)
    except Exception:
        return None


class _Config:
    """What stays the same from one run of an experiment to the next."""

    __slots__ = ("clean", "compare", "context", "enabled", "first", "flags", "ignore", "key", "mode", "name",
                 "order", "recorder", "sample", "skipped", "timeout")

    def __init__(self, name: str, sample: float | str | None = None, compare: Callable[[Any, Any], bool] | None = None,
                 ignore: Iterable[Callable[[Any, Any], bool]] = (), clean: Callable[[Any], Any] | None = None,
                 context: dict[str, Any] | None = None, recorder: Any = None, mode: str = "sync",
                 timeout: float | None = None, flags: Any = None, enabled: Callable[[], bool] | None = None,
                 key: Callable[..., Any] | None = None, order: str = "random") -> None:
        if mode not in ("sync", "async"):
            raise ValueError(f"mode must be 'sync' or 'async', not {mode!r}")
        if isinstance(sample, int | float) and not 0 <= sample <= 100:
            raise ValueError(f"sample must be a percentage from 0 to 100, not {sample!r}")
        if order not in ORDERS:
            raise ValueError(f"order must be one of {', '.join(ORDERS)}, not {order!r}")
        self.name, self.sample, self.compare, self.ignore = name, sample, compare, tuple(ignore)
        self.clean, self.context, self.recorder, self.mode = clean, context, recorder, mode
        self.timeout, self.flags, self.enabled, self.key = timeout, flags, enabled, key
        self.order = order
        # whether the control goes first, asked once per observation with one candidate
        self.first = {"random": _coin, "control-first": _always, "candidates-first": _never}[order]
        self.skipped = 0  # candidate runs skipped because their arguments could not be copied

    def sampled(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
        """Whether the candidates run this time. Never raises: a broken hook means no."""
        try:
            if self.enabled is not None and not self.enabled():
                return False
            sample = self.sample
            if sample is None:
                return True
            if isinstance(sample, str):  # a feature flag's rollout decides
                if self.flags is None:
                    from vsmctl.flags import Flags

                    self.flags = Flags.from_workspace()
                key = self.key(*args, **kwargs) if self.key is not None else next(_calls)
                return bool(self.flags.enabled(sample, key=key))
            return sample >= 100 or _rand() * 100 < sample
        except Exception:
            return False

    def arrange(self, steps: list[Any]) -> list[Any]:
        """The run order of the control (None) and the candidates."""
        if self.order == "control-first":
            return [None, *steps]
        if self.order == "candidates-first":
            return [*steps, None]
        order: list[Any] = [None, *steps]
        if len(order) == 2:
            if _coin():
                order.reverse()
        else:
            import random

            random.shuffle(order)
        return order


class Experiment:
    def __init__(self, name: str, **options: Any) -> None:
        self._config = options.pop("_config", None) or _Config(name, **options)
        self._control: tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]] | None = None
        self._candidates: list[tuple[str, Callable[..., Any], tuple[Any, ...], dict[str, Any]]] = []

    def __enter__(self) -> Experiment:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    @property
    def skipped(self) -> int:
        """Candidate runs skipped because their arguments could not be deep-copied."""
        return self._config.skipped

    def control(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Experiment:
        self._control = (fn, args, kwargs)
        return self

    use = control

    def candidate(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Experiment:
        name = getattr(fn, "__name__", None) or f"candidate{len(self._candidates) + 1}"
        if any(c[0] == name for c in self._candidates) or name == "<lambda>":
            name = f"candidate{len(self._candidates) + 1}"
        self._candidates.append((name, fn, args, kwargs))
        return self

    try_ = candidate

    def run(self) -> Any:
        if self._control is None:
            raise ValueError(f"experiment {self._config.name!r} has no control")
        fn, args, kwargs = self._control
        if not self._candidates or not self._config.sampled(args, kwargs):
            return fn(*args, **kwargs)
        return _conduct(self._config, fn, args, kwargs, self._candidates)


def _plan(cfg: _Config, candidates: list[tuple[str, Callable[..., Any], tuple[Any, ...], dict[str, Any]]]
          ) -> tuple[list[Any], list[Result]]:
    """Each candidate with its own copies of the arguments; those that cannot have copies are
    skipped (returned as results with status "skipped")."""
    planned, skipped = [], []
    for name, cfn, cargs, ckwargs in candidates:
        copied = _copy(cargs, ckwargs) if (cargs or ckwargs) else (cargs, ckwargs)
        if copied is None:
            cfg.skipped += 1
            result = Result(name)
            result.status, result.compared = "skipped", True
            result.error = "arguments cannot be deep-copied: the candidate was not run"
            skipped.append(result)
        else:
            planned.append((name, cfn, *copied))
    return planned, skipped


def _conduct(cfg: _Config, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any],
             candidates: list[tuple[str, Callable[..., Any], tuple[Any, ...], dict[str, Any]]]) -> Any:
    planned, skipped = _plan(cfg, candidates)
    if len(planned) == 1 and not skipped and cfg.timeout is None and cfg.mode == "sync":
        return _conduct_one(cfg, fn, args, kwargs, *planned[0])
    control = Result("control")
    if cfg.mode == "async":
        _call(control, fn, args, kwargs)
        _background().submit(cfg, control, planned, skipped)
        return _outcome(control)
    if cfg.timeout is None:
        results = []
        for step in cfg.arrange(planned):
            if step is None:
                _call(control, fn, args, kwargs)
            else:
                results.append(_run_candidate(cfg, *step))
    else:
        results = _run_bounded(cfg, control, (fn, args, kwargs), planned)
    _finish(cfg, control, results + skipped)
    return _outcome(control)


def _conduct_one(cfg: _Config, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any],
                 cand_name: str, cfn: Callable[..., Any], cargs: tuple[Any, ...], ckwargs: dict[str, Any]) -> Any:
    """One candidate, no timeout: the path most experiments take, kept lean.

    The two orders are written out rather than factored into a helper: a call per side would
    cost more than the whole bookkeeping (see BENCHMARKS.md). lean_path._observer writes the same
    two orders again for positional-only calls; one shared helper would add a call to its path too.
    """
    cexc = dexc = None
    cvalue = dvalue = None
    if cfg.first():
        t0 = _perf()
        try:
            cvalue = fn(*args, **kwargs)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:
            cexc = exc
        t1 = _perf()
        try:
            dvalue = cfn(*cargs, **ckwargs)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:
            dexc = exc
        t2 = _perf()
        cns, dns = t1 - t0, t2 - t1
    else:
        t0 = _perf()
        try:
            dvalue = cfn(*cargs, **ckwargs)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:
            dexc = exc
        t1 = _perf()
        try:
            cvalue = fn(*args, **kwargs)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:
            cexc = exc
        t2 = _perf()
        dns, cns = t1 - t0, t2 - t1
    _settle_one(cfg, cand_name, cvalue, cexc, cns, dvalue, dexc, dns)
    if cexc is not None:
        raise cexc
    return cvalue


def _settle_one(cfg: _Config, cand_name: str, cvalue: Any, cexc: BaseException | None, cns: int,
                dvalue: Any, dexc: BaseException | None, dns: int) -> None:
    """Compare and publish one observation of `_conduct_one`. A plain match becomes a 5-tuple
    for the recorder; anything else goes the general way. Never raises."""
    if cexc is None and dexc is None and cfg.context is None:
        try:
            # bool() inside the guard: a numpy-like `==` returns an object whose truth raises
            same = bool(cvalue == dvalue if cfg.compare is None else cfg.compare(cvalue, dvalue))
        except KeyboardInterrupt:
            raise
        except BaseException:
            same = False  # decided again, guarded, on the general path
        if same:
            try:
                recorder = cfg.recorder
                if recorder is None:
                    from vsmctl.parallel.store_choice import default_recorder

                    recorder = cfg.recorder = default_recorder()
                recorder.record((cfg.name, time.time(), cns, cand_name, dns))
            except Exception as exc:
                _log_once(f"experiment {cfg.name}: publishing failed: {exc!r}")
            return
    control, result = Result("control"), Result(cand_name)
    control.value, control.ns, result.value, result.ns = cvalue, cns, dvalue, dns
    for r, raised in ((control, cexc), (result, dexc)):
        if raised is not None:
            r.exc = raised
            r.error = f"{type(raised).__name__}: {raised}"[:500]
    _finish(cfg, control, [result])


def _outcome(control: Result) -> Any:
    if control.exc is not None:
        raise control.exc
    return control.value


def _run_candidate(cfg: _Config, name: str, fn: Callable[..., Any], args: tuple[Any, ...],
                   kwargs: dict[str, Any]) -> Result:
    """A candidate run inline (sync mode without timeout=; async mode, watched by background.py)."""
    result = Result(name)
    _call(result, fn, args, kwargs)
    return result


class _Watch:
    """One candidate in a thread of its own, compared there too: whoever waits for it waits at
    most until `deadline`, however long the candidate or its comparison take. A late thread is
    left to finish alone; what it computes goes into its own Result, never the one recorded."""

    __slots__ = ("cfg", "control", "control_ready", "deadline", "ran", "result", "start", "thread")

    def __init__(self, cfg: _Config, control: Result, bound: float, name: str, fn: Callable[..., Any],
                 args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        import threading

        self.cfg, self.control, self.result = cfg, control, Result(name)
        self.ran, self.control_ready = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._work, args=(fn, args, kwargs), daemon=True,
                                       name=f"vsmctl-candidate-{name}")
        self.start = _perf()
        self.deadline = time.monotonic() + bound
        self.thread.start()

    def _work(self, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        own = Result(self.result.name)
        try:
            _call(own, fn, args, kwargs)
        except KeyboardInterrupt as exc:  # raised in this thread, not the caller's: an outcome like any other
            own.exc, own.error = exc, "KeyboardInterrupt"
        self.ran.set()
        self.control_ready.wait()
        _judge(self.cfg, self.control, own)
        self.result = own

    def remaining(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    def outcome(self) -> Result:
        """The candidate's result, or a timeout if it (or its comparison) is not done by the deadline."""
        self.control_ready.set()
        self.thread.join(self.remaining())
        if self.thread.is_alive():
            late = Result(self.result.name)
            late.status, late.compared, late.ns = "timeout", True, _perf() - self.start
            return late
        return self.result


def _run_bounded(cfg: _Config, control: Result, call: tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]],
                 planned: list[Any]) -> list[Result]:
    """Sync mode with timeout=: the order holds (a candidate before the control is waited for,
    up to its bound, before the control starts), and candidates and comparisons are bounded."""
    bound = float(cfg.timeout or 0.0)
    watches: list[_Watch] = []
    control_done = False
    for step in cfg.arrange(planned):
        if step is None:
            _call(control, *call)
            control_done = True
            continue
        watch = _Watch(cfg, control, bound, *step)
        watches.append(watch)
        if not control_done:
            watch.ran.wait(watch.remaining())
    return [watch.outcome() for watch in watches]


def _judge(cfg: _Config, control: Result, result: Result) -> None:
    """The candidate's status against the control: match, ignored, mismatch or compare_error.
    Never raises, whatever the values' `==` or `bool()` do."""
    try:
        if _same(cfg, control, result):
            result.status = "match"
        elif any(pred(control.value, result.value) for pred in cfg.ignore):
            result.status = "ignored"
        else:
            result.status = "mismatch"
    except KeyboardInterrupt:
        raise
    except BaseException as exc:
        result.status = "compare_error"
        result.error = result.error or f"compare: {type(exc).__name__}: {exc}"[:500]
    result.compared = True


def _finish(cfg: _Config, control: Result, results: list[Result]) -> None:
    """Compare (what was not compared where it ran) and publish. Nothing here reaches the caller."""
    try:
        for result in results:
            if not result.compared:
                _judge(cfg, control, result)
            if result.status in ("mismatch", "ignored") and cfg.clean is not None:
                try:
                    control.value, result.value = cfg.clean(control.value), cfg.clean(result.value)
                except Exception as exc:
                    result.value = {"$clean_failed": f"{type(exc).__name__}: {exc}"}
        recorder = cfg.recorder
        if recorder is None:
            from vsmctl.parallel.store_choice import default_recorder

            recorder = cfg.recorder = default_recorder()
        recorder.record((cfg.name, time.time(), cfg.context, control, results))
    except Exception as exc:
        _log_once(f"experiment {cfg.name}: publishing failed: {exc!r}")


def _same(cfg: _Config, control: Result, candidate: Result) -> bool:
    if control.exc is not None or candidate.exc is not None:
        if control.exc is None or candidate.exc is None:
            return False
        return type(control.exc) is type(candidate.exc) and bool(control.exc.args == candidate.exc.args)
    if cfg.compare is not None:
        return bool(cfg.compare(control.value, candidate.value))
    return bool(control.value == candidate.value)


_log_once = LogOnce("vsmctl.parallel")


def _background() -> Any:
    from vsmctl.parallel.background import background  # loaded by the first async observation

    return background(_observe_async, _finish, _late)


def _observe_async(cfg: _Config, control: Result, step: tuple[Any, ...]) -> Result:
    """One candidate of an async observation, run and compared in the background worker."""
    result = _run_candidate(cfg, *step)
    if cfg.timeout is not None and result.ns > cfg.timeout * 1e9:
        result.status, result.compared = "timeout", True
    else:
        _judge(cfg, control, result)
    return result


def _late(name: str) -> Result:
    result = Result(name)
    result.status, result.compared = "timeout", True
    return result


def wait_for_background() -> None:
    """Block until async candidates submitted so far have run or timed out (tests, shutdown)."""
    from vsmctl.parallel.background import wait

    wait()


def experiment(name: str, candidate: Callable[..., Any], **options: Any) -> Callable[[Callable[..., Any]], Any]:
    """Decorate the control: each call runs `candidate` with the same arguments beside it."""
    cfg = _Config(name, **options)
    cand_name = getattr(candidate, "__name__", "candidate")

    def wrap(control: Callable[..., Any]) -> Callable[..., Any]:
        sample = cfg.sample
        if isinstance(sample, int | float) and cfg.enabled is None:
            # A plain percentage: decided inline, so that a sampled-out call costs one comparison.
            from random import random

            share = sample / 100

            lean = cfg.timeout is None and cfg.mode == "sync"

            def run(*args: Any, **kwargs: Any) -> Any:
                if share < 1.0 and (share <= 0.0 or random() >= share):
                    return control(*args, **kwargs)
                if lean and not args and not kwargs:
                    return _conduct_one(cfg, control, args, kwargs, cand_name, candidate, args, kwargs)
                return _conduct(cfg, control, args, kwargs, [(cand_name, candidate, args, kwargs)])
        else:
            def run(*args: Any, **kwargs: Any) -> Any:
                if not cfg.sampled(args, kwargs):
                    return control(*args, **kwargs)
                return _conduct(cfg, control, args, kwargs, [(cand_name, candidate, args, kwargs)])

        if _lean(cfg):  # the common case, inlined in one closure (vsmctl.parallel.lean_path)
            from vsmctl.parallel.lean_path import lean_runner

            share = sample / 100 if isinstance(sample, int | float) else 1.0
            run = lean_runner(cfg, control, candidate, cand_name, share, _settle_one, _conduct)
        _wraps(control, run)
        run.experiment = cfg  # type: ignore[attr-defined]
        return run

    return wrap


def _lean(cfg: _Config) -> bool:
    return (cfg.enabled is None and (cfg.sample is None or isinstance(cfg.sample, int | float))
            and cfg.timeout is None and cfg.mode == "sync" and cfg.order == "random" and cfg.context is None)
