"""Runs work through operational units."""

from __future__ import annotations

from vsm.core.types import Message
from vsm.goldrush.bus import Bus
from vsm.goldrush.events import Event
from vsm.s1._scheduling import order
from vsm.s1.units import OperationalUnit


class Operations:
    def __init__(self, units: list[OperationalUnit], bus: Bus | None = None) -> None:
        self.units = {u.name: u for u in units}
        self.bus = bus or Bus()

    def run(self, jobs: list[tuple[int, str, float]]) -> dict[str, int]:
        costs = {name: cost for _, name, cost in jobs}
        results = {"done": 0, "rejected": 0}
        for unit_name in order([(prio, name) for prio, name, _ in jobs]):
            unit = self.units[unit_name]
            reply = unit.handle(Message("s1", unit_name, "work", {"cost": costs[unit_name]}))
            kind = reply.kind if reply else "rejected"
            results[kind] = results.get(kind, 0) + 1
            self.bus.publish(Event(f"s1.{kind}", {"unit": unit_name}))
        return results
