"""Algedonic signals."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Signal:
    source: str
    intensity: float

    def __post_init__(self) -> None:
        if not 0.0 <= self.intensity <= 1.0:
            raise ValueError("intensity must be within 0..1")

    @property
    def is_pain(self) -> bool:
        return self.intensity >= 0.5
