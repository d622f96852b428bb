"""A token bucket."""

from __future__ import annotations

from vsm.core.clock import Clock


class TokenBucket:
    def __init__(self, rate: float, burst: int, clock: Clock | None = None) -> None:
        self.rate = rate
        self.burst = burst
        self.clock = clock or Clock()
        self.tokens = float(burst)
        self.stamp = self.clock.now()

    def take(self, n: float = 1.0) -> bool:
        now = self.clock.now()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= n:
            self.tokens -= n
            return True
        return False
