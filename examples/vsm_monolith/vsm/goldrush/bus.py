"""A synchronous publish/subscribe bus."""

from __future__ import annotations

from collections.abc import Callable

from vsm.goldrush.events import Event


class Bus:
    def __init__(self) -> None:
        self._subscribers: list[Callable[[Event], None]] = []
        self.published = 0

    def subscribe(self, handler: Callable[[Event], None]) -> None:
        self._subscribers.append(handler)

    def publish(self, event: Event) -> None:
        self.published += 1
        for handler in list(self._subscribers):
            handler(event)
