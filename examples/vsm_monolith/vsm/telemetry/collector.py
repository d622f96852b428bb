"""Collects samples into windows."""

from __future__ import annotations

from statistics import mean

from vsm.telemetry.metrics import DEFAULT, Metrics


class Collector:
    def __init__(self, metrics: Metrics = DEFAULT, window: int = 10) -> None:
        self.metrics = metrics
        self.window = window
        self.samples: dict[str, list[float]] = {}

    def record(self, name: str, value: float) -> None:
        series = self.samples.setdefault(name, [])
        series.append(value)
        del series[: -self.window]
        self.metrics.emit(name, mean(series))

    def average(self, name: str) -> float:
        series = self.samples.get(name) or [0.0]
        return mean(series)
