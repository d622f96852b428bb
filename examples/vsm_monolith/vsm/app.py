"""Wires the subsystems into one running system."""

from __future__ import annotations

from typing import Any

from vsm.algedonic.channel import Channel
from vsm.config.settings import Settings
from vsm.core.registry import Registry
from vsm.core.types import Resource
from vsm.goldrush.bus import Bus
from vsm.goldrush.engine import Engine
from vsm.goldrush.patterns import Pattern
from vsm.s1.operations import Operations
from vsm.s1.units import OperationalUnit
from vsm.s2.coordination import Coordinator
from vsm.s3.control import Control
from vsm.s5.policy import Policy
from vsm.telemetry.metrics import Metrics


class System:
    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.metrics = Metrics()
        self.bus = Bus()
        self.engine = Engine(self.bus)
        self.engine.rule(Pattern("s1.done"), lambda e: self.metrics.incr("s1.done"))
        self.engine.rule(Pattern("s1.rejected"), lambda e: self.metrics.incr("s1.rejected"))
        units = [
            OperationalUnit("unit-a", {"cpu": Resource("cpu", 10.0)}),
            OperationalUnit("unit-b", {"cpu": Resource("cpu", 4.0)}),
        ]
        self.registry = Registry()
        for unit in units:
            self.registry.register(unit.name, unit)
        self.operations = Operations(units, self.bus)
        self.coordinator = Coordinator(units)
        self.control = Control(units)
        self.policy = Policy()
        self.channel = Channel(self.bus)

    def alert(self, source: str, intensity: float) -> str:
        return self.policy.on_signal(self.channel.alert(source, intensity))

    def status(self) -> dict[str, Any]:
        return {
            "identity": self.policy.identity.name,
            "purpose": self.policy.identity.purpose,
            "metrics": self.metrics.snapshot(),
            "units": self.registry.names(),
        }


def build_system(settings: Settings | None = None) -> System:
    return System(settings)
