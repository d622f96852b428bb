"""S3*: the audit channel. Asks S4 for a forecast to judge what it sees."""

from __future__ import annotations

from vsm.s4.forecast import forecast


class Audit:
    def __init__(self) -> None:
        self.notes: list[tuple[str, float]] = []

    def note(self, key: str, value: float) -> None:
        self.notes.append((key, value))

    def anomalies(self, history: list[float], tolerance: float = 0.5) -> list[int]:
        found = []
        for i in range(2, len(history)):
            expected = forecast(history[:i])
            if abs(history[i] - expected) > tolerance * max(expected, 1):
                found.append(i)
        return found
