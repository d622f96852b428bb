"""Settings with defaults, overridable from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    api_port: int = 8080
    rate_limit_per_second: float = 50.0
    rate_limit_burst: int = 100
    variety_threshold: float = 0.8

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        return cls(
            api_port=int(env.get("VSM_API_PORT", cls.api_port)),
            rate_limit_per_second=float(env.get("VSM_RATE", cls.rate_limit_per_second)),
            rate_limit_burst=int(env.get("VSM_BURST", cls.rate_limit_burst)),
            variety_threshold=float(env.get("VSM_VARIETY", cls.variety_threshold)),
        )
