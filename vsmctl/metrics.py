"""Prometheus metrics for parallel runs and flags (optional extra: `pip install 'vsmctl[prometheus]'`).

    import vsmctl.metrics
    vsmctl.metrics.enable(port=9464)     # or enable() and serve prometheus_client's registry yourself

After `enable()`, the default recorder of experiments counts what it records and `Flags` clients
count their evaluations. Nothing is added to the caller's path of an experiment: observations are
counted on a thread of their own, after the caller got its answer (`MetricsRecorder`). A flag
evaluation with counting on costs one dict update more. Values are read at a scrape by a custom
collector, so prometheus_client is touched only there.

Metrics:
- vsmctl_experiment_observations_total{experiment,candidate}
- vsmctl_experiment_matches_total{experiment,candidate}
- vsmctl_experiment_mismatches_total{experiment,candidate,shape}   (shape: the differing field paths)
- vsmctl_experiment_candidate_exceptions_total{experiment,candidate,exception}
- vsmctl_experiment_timeouts_total{experiment,candidate}
- vsmctl_experiment_duration_seconds{experiment,candidate,side}    (histogram; side: control|candidate)
- vsmctl_parallel_dropped_total                                    (observations the store dropped)
- vsmctl_flag_evaluations_total{flag,variant,reason}
- vsmctl_flag_rollout_percent{flag}                                (0 when off, 100 for everyone)

Standard library only at import.
"""

from __future__ import annotations

import os
import threading
from bisect import bisect_left

from vsmctl.background_queue import drain, request_flush
from vsmctl.log_once import LogOnce

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

# seconds; Prometheus' `le` bounds (the last bucket, +Inf, is implied)
DURATION_BUCKETS = (0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                    0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_BOUNDS_NS = tuple(b * 1e9 for b in DURATION_BUCKETS)
_log_once = LogOnce("vsmctl.metrics")


class ExperimentStats:
    """Counters from observations, as the recorders receive them (see vsmctl.parallel.recorder)."""

    def __init__(self) -> None:
        self.observations: dict[tuple[str, str], int] = {}
        self.matches: dict[tuple[str, str], int] = {}
        self.mismatches: dict[tuple[str, str, str], int] = {}
        self.exceptions: dict[tuple[str, str, str], int] = {}
        self.timeouts: dict[tuple[str, str], int] = {}
        # (experiment, candidate, side) -> [counts per bucket (+Inf last), sum of seconds]
        self.durations: dict[tuple[str, str, str], list[Any]] = {}

    def observe(self, item: Any) -> None:
        if len(item) == 5 and type(item[2]) is int:  # a plain match
            name, _when, control_ns, candidate, candidate_ns = item
            self._add(self.observations, (name, candidate))
            self._add(self.matches, (name, candidate))
            self._time(name, candidate, "control", control_ns)
            self._time(name, candidate, "candidate", candidate_ns)
            return
        name, _when, _context, control, results = item
        for result in results:
            if result.status == "skipped":  # never ran (arguments that cannot be copied): not a sample
                continue
            key = (name, result.name)
            self._add(self.observations, key)
            self._time(name, result.name, "control", control.ns)
            if result.status == "timeout":
                self._add(self.timeouts, key)
                continue
            self._time(name, result.name, "candidate", result.ns)
            if result.error is not None:
                self._add(self.exceptions, (*key, result.error.split(":", 1)[0]))
            if result.status == "match":
                self._add(self.matches, key)
            elif result.status == "mismatch":
                self._add(self.mismatches, (*key, _shape(control, result)))

    @staticmethod
    def _add(counter: dict[Any, int], key: Any) -> None:
        counter[key] = counter.get(key, 0) + 1

    def _time(self, name: str, candidate: str, side: str, ns: int) -> None:
        slot = self.durations.get((name, candidate, side))
        if slot is None:
            slot = self.durations[(name, candidate, side)] = [[0] * (len(_BOUNDS_NS) + 1), 0.0]
        slot[0][bisect_left(_BOUNDS_NS, ns)] += 1
        slot[1] += ns / 1e9


def _shape(control: Any, result: Any) -> str:
    if control.error is not None or result.error is not None:
        return "<exception>"
    from vsmctl.parallel.diffing import differences, shapes

    return ",".join(shapes(differences(control.value, result.value))) or "$"


class MetricsRecorder:
    """A recorder in front of another: counts each observation on its own thread, then passes it on.
    `record()` stays one C call (a queue put); `flush()` flushes both."""

    def __init__(self, inner: Any, stats: ExperimentStats | None = None, interval: float = 0.1) -> None:
        import queue

        self.inner = inner
        self.stats = stats if stats is not None else STATS
        self.interval = interval
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self.record = self._queue.put
        self._wake = threading.Event()
        self._pid = os.getpid()
        RECORDERS.append(self)
        threading.Thread(target=self._run, name="vsmctl-metrics", daemon=True).start()

    @property
    def dropped(self) -> int:
        return int(getattr(self.inner, "dropped", 0))

    @property
    def written(self) -> int:
        return int(getattr(self.inner, "written", 0))

    def flush(self, timeout: float = 10.0) -> bool:
        if os.getpid() != self._pid:
            return False
        return request_flush(self._queue.put, self._wake, timeout) and bool(self.inner.flush(timeout))

    def _run(self) -> None:
        get = self._queue.get_nowait
        while True:
            self._wake.wait(self.interval)
            self._wake.clear()
            # a flush is answered as soon as it is reached: everything before it was passed on
            for item in drain(get, threading.Event.set):
                try:
                    self.stats.observe(item)
                except Exception as exc:  # metrics never cost an observation
                    _log_once(f"cannot count an observation: {exc!r}")
                self.inner.record(item)


STATS = ExperimentStats()
RECORDERS: list[MetricsRecorder] = []


def instrument(recorder: Any) -> MetricsRecorder:
    """Count what goes to `recorder` (for an experiment given an explicit `recorder=`)."""
    return MetricsRecorder(recorder)


class Collector:
    """prometheus_client's custom-collector protocol: the metric families, read at each scrape."""

    def collect(self) -> Iterator[Any]:
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily

        stats = STATS
        families: list[tuple[str, str, list[str], dict[Any, int]]] = [
            ("vsmctl_experiment_observations", "Observations recorded", ["experiment", "candidate"],
             stats.observations),
            ("vsmctl_experiment_matches", "Candidate gave the control's answer", ["experiment", "candidate"],
             stats.matches),
            ("vsmctl_experiment_mismatches", "Candidate differed, by the differing field paths",
             ["experiment", "candidate", "shape"], stats.mismatches),
            ("vsmctl_experiment_candidate_exceptions", "Candidate raised, by exception type",
             ["experiment", "candidate", "exception"], stats.exceptions),
            ("vsmctl_experiment_timeouts", "Candidate ran past its timeout", ["experiment", "candidate"],
             stats.timeouts),
        ]
        for name, doc, labels, counter in families:
            family = CounterMetricFamily(name, doc, labels=labels)
            for key, value in dict(counter).items():
                family.add_metric(list(key), value)
            yield family
        yield self._durations(HistogramMetricFamily, stats)
        dropped = CounterMetricFamily("vsmctl_parallel_dropped", "Observations the store could not take")
        dropped.add_metric([], sum(r.dropped for r in RECORDERS if r._pid == os.getpid()))
        yield dropped
        yield from self._flags(CounterMetricFamily, GaugeMetricFamily)

    @staticmethod
    def _durations(histogram: Any, stats: ExperimentStats) -> Any:
        family = histogram("vsmctl_experiment_duration_seconds", "Control and candidate durations",
                           labels=["experiment", "candidate", "side"])
        for key, (counts, total) in dict(stats.durations).items():
            cumulative, buckets = 0, []
            for bound, n in zip((*(str(b) for b in DURATION_BUCKETS), "+Inf"), counts, strict=True):
                cumulative += n
                buckets.append((bound, cumulative))
            family.add_metric(list(key), buckets, total)
        return family

    @staticmethod
    def _flags(counter: Any, gauge: Any) -> Iterator[Any]:
        from vsmctl.flags.client import counting_clients

        evaluations = counter("vsmctl_flag_evaluations", "Flag evaluations by variant and reason",
                              labels=["flag", "variant", "reason"])
        rollout = gauge("vsmctl_flag_rollout_percent", "Share of targeting keys the flag's rollout serves",
                        labels=["flag"])
        totals: dict[tuple[str, str, str], int] = {}
        percents: dict[str, float] = {}
        for client in counting_clients():
            for (flag, variant, reason), n in dict(client.counts or {}).items():
                slot = (flag, variant or "", reason)
                totals[slot] = totals.get(slot, 0) + n
            for flag, definition in dict(client._flags).items():
                percents[flag] = _rollout_percent(definition)
        for slot, n in totals.items():
            evaluations.add_metric(list(slot), n)
        for flag, percent in percents.items():
            rollout.add_metric([flag], percent)
        yield evaluations
        yield rollout


def _rollout_percent(flag: dict[str, Any]) -> float:
    if flag.get("state") == "disabled":
        return 0.0
    rollout = flag.get("rollout")
    if rollout is None:
        return 0.0
    return float(rollout["percent"])


_ENABLED: list[Collector] = []


def enable(registry: Any = None, port: int | None = None, addr: str = "0.0.0.0") -> Collector:
    """Register the collector (once) in `registry` (default: prometheus_client's), make the default
    experiment recorder count and new `Flags` clients count; with `port`, serve /metrics there."""
    from prometheus_client import REGISTRY, start_http_server

    from vsmctl.flags.client import Flags
    from vsmctl.parallel import store_choice

    if not _ENABLED:
        _ENABLED.append(Collector())
        (registry if registry is not None else REGISTRY).register(_ENABLED[0])
        store_choice.RECORDER_WRAPPERS.append(MetricsRecorder)
        Flags.count_by_default = True
    if port is not None:
        start_http_server(port, addr=addr, registry=registry if registry is not None else REGISTRY)
    return _ENABLED[0]
