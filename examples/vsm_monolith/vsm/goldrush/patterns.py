"""Patterns over events: a kind plus required field values."""

from __future__ import annotations

from dataclasses import dataclass, field

from vsm.goldrush.events import Event


@dataclass(frozen=True)
class Pattern:
    kind: str
    where: dict = field(default_factory=dict)

    def matches(self, event: Event) -> bool:
        if self.kind not in ("*", event.kind):
            return False
        return all(event.data.get(k) == v for k, v in self.where.items())
