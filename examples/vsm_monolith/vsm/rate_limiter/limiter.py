"""Per-key rate limiting built on token buckets."""

from __future__ import annotations

from vsm.config.settings import Settings
from vsm.core.clock import Clock
from vsm.rate_limiter.bucket import TokenBucket


class RateLimiter:
    def __init__(self, settings: Settings | None = None, clock: Clock | None = None) -> None:
        self.settings = settings or Settings()
        self.clock = clock or Clock()
        self.buckets: dict[str, TokenBucket] = {}

    def allow(self, key: str) -> bool:
        bucket = self.buckets.get(key)
        if bucket is None:
            bucket = TokenBucket(
                self.settings.rate_limit_per_second, self.settings.rate_limit_burst, self.clock
            )
            self.buckets[key] = bucket
        return bucket.take()
