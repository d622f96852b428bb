"""S4 intelligence: assesses where the environment is going."""

from __future__ import annotations

from vsm.s4.environment import Environment
from vsm.s4.forecast import forecast


class Intelligence:
    def __init__(self) -> None:
        self.environment = Environment()

    def assess(self, history: list[float]) -> str:
        if len(history) < 2:
            return "unknown"
        nxt = forecast(history)
        last = history[-1]
        if nxt > last * 1.05:
            return "falling"
        if nxt < last * 0.95:
            return "rising"
        return "stable"
