"""Audit hooks plugin (namespace folder): feeds telemetry into S3's audit."""

from __future__ import annotations

from vsm.s3.audit import Audit
from vsm.telemetry.metrics import Metrics


def sweep(metrics: Metrics, audit: Audit) -> int:
    for key, value in metrics.snapshot().items():
        audit.note(key, value)
    return len(audit.notes)
