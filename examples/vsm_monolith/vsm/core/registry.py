"""Registry of running subsystems.

The monolith's shortcut: the registry knows the operational unit type directly (a core module
importing a subsystem), which the roadmap's layering forbids.
"""

from __future__ import annotations

from vsm.core.types import Message
from vsm.s1.units import OperationalUnit


class Registry:
    def __init__(self) -> None:
        self._items: dict[str, object] = {}

    def register(self, name: str, item: object) -> None:
        if name in self._items:
            raise KeyError(f"already registered: {name}")
        self._items[name] = item

    def get(self, name: str) -> object:
        return self._items[name]

    def names(self) -> list[str]:
        return sorted(self._items)

    def units(self) -> list[OperationalUnit]:
        return [i for i in self._items.values() if isinstance(i, OperationalUnit)]

    def dispatch(self, message: Message) -> Message | None:
        target = self._items.get(message.target)
        handle = getattr(target, "handle", None)
        return handle(message) if handle else None
