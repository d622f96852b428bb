"""The identity of the viable system."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Identity:
    name: str = "vsm"
    purpose: str = "remain viable"
