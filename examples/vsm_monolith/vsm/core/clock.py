"""A clock that tests can control."""

from __future__ import annotations

import time


class Clock:
    def __init__(self, start: float | None = None) -> None:
        self._frozen = start

    def now(self) -> float:
        return self._frozen if self._frozen is not None else time.monotonic()

    def advance(self, seconds: float) -> None:
        if self._frozen is None:
            self._frozen = time.monotonic()
        self._frozen += seconds
