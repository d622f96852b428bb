"""In-process metrics."""

from __future__ import annotations

from collections import defaultdict


class Metrics:
    def __init__(self) -> None:
        self.counters: dict[str, float] = defaultdict(float)
        self.gauges: dict[str, float] = {}

    def emit(self, name: str, value: float) -> None:
        self.gauges[name] = value

    def incr(self, name: str, by: float = 1.0) -> None:
        self.counters[name] += by

    def snapshot(self) -> dict[str, float]:
        return {**self.counters, **self.gauges}


DEFAULT = Metrics()
