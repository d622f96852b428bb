"""Runs rules (pattern → action) over the event bus."""

from __future__ import annotations

from collections.abc import Callable

from vsm.goldrush.bus import Bus
from vsm.goldrush.events import Event
from vsm.goldrush.patterns import Pattern


class Engine:
    def __init__(self, bus: Bus) -> None:
        self.rules: list[tuple[Pattern, Callable[[Event], None]]] = []
        self.fired = 0
        bus.subscribe(self._on_event)

    def rule(self, pattern: Pattern, action: Callable[[Event], None]) -> None:
        self.rules.append((pattern, action))

    def _on_event(self, event: Event) -> None:
        for pattern, action in self.rules:
            if pattern.matches(event):
                self.fired += 1
                action(event)
