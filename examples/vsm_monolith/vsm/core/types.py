"""Value types shared by all subsystems."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Level(Enum):
    S1 = 1
    S2 = 2
    S3 = 3
    S4 = 4
    S5 = 5


@dataclass(frozen=True)
class Message:
    """A message passed between subsystems."""

    source: str
    target: str
    kind: str
    payload: dict = field(default_factory=dict)


@dataclass
class Resource:
    name: str
    capacity: float
    used: float = 0.0

    @property
    def free(self) -> float:
        return max(self.capacity - self.used, 0.0)
