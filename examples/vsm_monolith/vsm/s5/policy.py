"""S5 policy: balances S3 (here and now) against S4 (outside and then)."""

from __future__ import annotations

from vsm.algedonic.signals import Signal
from vsm.s5.identity import Identity

DEFAULT_POLICY = {"s3_weight": 0.6, "s4_weight": 0.4, "pain_threshold": 0.9}


class Policy:
    def __init__(self, identity: Identity | None = None, weights: dict | None = None) -> None:
        self.identity = identity or Identity()
        self.weights = dict(DEFAULT_POLICY, **(weights or {}))

    def balance(self, s3_pressure: float, s4_pressure: float) -> str:
        s3 = s3_pressure * self.weights["s3_weight"]
        s4 = s4_pressure * self.weights["s4_weight"]
        return "inside-and-now" if s3 >= s4 else "outside-and-then"

    def on_signal(self, signal: Signal) -> str:
        return "emergency" if signal.intensity >= self.weights["pain_threshold"] else "noted"
