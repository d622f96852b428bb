"""A model of the environment: named signals with trends."""

from __future__ import annotations


class Environment:
    def __init__(self) -> None:
        self.signals: dict[str, list[float]] = {}

    def observe(self, name: str, value: float) -> None:
        self.signals.setdefault(name, []).append(value)

    def trend(self, name: str) -> float:
        series = self.signals.get(name, [])
        return series[-1] - series[0] if len(series) > 1 else 0.0
