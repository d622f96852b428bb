"""Events flowing through goldrush."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import count

_ids = count(1)


@dataclass(frozen=True)
class Event:
    kind: str
    data: dict = field(default_factory=dict)
    id: int = field(default_factory=lambda: next(_ids))
