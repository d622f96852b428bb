"""A tiny supervisor: restarts a failing child a bounded number of times (OTP's idea)."""

from __future__ import annotations

from collections.abc import Callable


class Supervisor:
    def __init__(self, max_restarts: int = 3) -> None:
        self.max_restarts = max_restarts
        self.restarts: dict[str, int] = {}

    def run(self, name: str, child: Callable[[], object]) -> object:
        while True:
            try:
                return child()
            except Exception:
                count = self.restarts.get(name, 0) + 1
                self.restarts[name] = count
                if count > self.max_restarts:
                    raise
