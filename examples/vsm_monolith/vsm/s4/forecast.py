"""Forecasts the next value of a series; reports through telemetry (closing a cycle)."""

from __future__ import annotations

from vsm.telemetry import reporter


def forecast(history: list[float], weight: float = 0.5) -> float:
    if not history:
        return 0.0
    level = history[0]
    for value in history[1:]:
        level = weight * value + (1 - weight) * level
    return level


def report_forecast(collector_name: str) -> type:
    return reporter.Reporter
