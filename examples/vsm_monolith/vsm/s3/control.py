"""S3 control: allocates resources and intervenes in operational units."""

from __future__ import annotations

from vsm.s1.units import OperationalUnit
from vsm.s3.allocation import allocate
from vsm.s3.audit import Audit
from vsm.s4.intelligence import Intelligence
from vsm.telemetry.metrics import DEFAULT


class Control:
    def __init__(self, units: list[OperationalUnit], budget: float = 100.0) -> None:
        self.units = {u.name: u for u in units}
        self.budget = budget
        self.audit = Audit()
        self.intelligence = Intelligence()
        self.interventions: list[str] = []

    def plan(self, demand: dict[str, float]) -> dict[str, float]:
        shares = allocate(self.budget, demand)
        for name, share in shares.items():
            DEFAULT.emit(f"s3.share.{name}", share)
        return shares

    def intervene(self, unit: str) -> str:
        self.interventions.append(unit)
        self.audit.note(f"intervene.{unit}", 1.0)
        return f"intervened:{unit}"

    def outlook(self, history: list[float]) -> str:
        return self.intelligence.assess(history)
