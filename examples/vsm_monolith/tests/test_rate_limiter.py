from vsm.config.settings import Settings
from vsm.core.clock import Clock
from vsm.rate_limiter.bucket import TokenBucket
from vsm.rate_limiter.limiter import RateLimiter


def test_bucket_refills_over_time():
    clock = Clock(start=0.0)
    bucket = TokenBucket(rate=1.0, burst=2, clock=clock)
    assert bucket.take() and bucket.take()
    assert not bucket.take()
    clock.advance(1.0)
    assert bucket.take()


def test_limiter_is_per_key():
    limiter = RateLimiter(Settings(rate_limit_per_second=0.0, rate_limit_burst=1), Clock(0.0))
    assert limiter.allow("a")
    assert not limiter.allow("a")
    assert limiter.allow("b")
