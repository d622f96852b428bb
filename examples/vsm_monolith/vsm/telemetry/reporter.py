"""Reports telemetry to S3's audit (one of the monolith's cycles)."""

from __future__ import annotations

from vsm.s3 import audit as s3_audit
from vsm.telemetry.collector import Collector


class Reporter:
    def __init__(self, collector: Collector, audit: s3_audit.Audit | None = None) -> None:
        self.collector = collector
        self.audit = audit or s3_audit.Audit()

    def report(self, name: str) -> float:
        value = self.collector.average(name)
        self.audit.note(f"telemetry.{name}", value)
        return value
