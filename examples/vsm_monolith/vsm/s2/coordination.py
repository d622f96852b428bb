"""Coordinates operational units so they do not fight over resources."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vsm.s1.units import OperationalUnit
from vsm.s2.dampener import Dampener

if TYPE_CHECKING:
    from vsm.s3.control import Control


class Coordinator:
    def __init__(self, units: list[OperationalUnit]) -> None:
        self.units = units
        self.dampeners = {u.name: Dampener() for u in units}

    def smooth(self, demand: dict[str, float]) -> dict[str, float]:
        return {name: self.dampeners[name].feed(v) for name, v in demand.items()}

    def escalate(self, control: Control, unit: str) -> str:
        return control.intervene(unit)
