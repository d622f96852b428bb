"""Carries algedonic signals over the event bus, bypassing S2–S4."""

from __future__ import annotations

from vsm.algedonic.signals import Signal
from vsm.goldrush.bus import Bus
from vsm.goldrush.events import Event


class Channel:
    def __init__(self, bus: Bus) -> None:
        self.bus = bus
        self.sent = 0

    def alert(self, source: str, intensity: float) -> Signal:
        signal = Signal(source, intensity)
        self.sent += 1
        self.bus.publish(Event("algedonic", {"source": source, "intensity": intensity}))
        return signal
