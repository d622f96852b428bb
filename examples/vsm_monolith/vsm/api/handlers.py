"""Request handlers: plain functions from (system, body) to (status, body)."""

from __future__ import annotations

from typing import Any

from vsm.app import System
from vsm.s3.allocation import allocate as allocate_budget


def health(system: System, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    return 200, {"ok": True}


def status(system: System, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    return 200, system.status()


def allocate(system: System, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    try:
        budget = float(body["budget"])
        demand = {str(k): float(v) for k, v in body["demand"].items()}
        return 200, {"allocation": allocate_budget(budget, demand)}
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return 400, {"error": str(exc)}


def alert(system: System, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    try:
        decision = system.alert(str(body["source"]), float(body["intensity"]))
    except (KeyError, TypeError, ValueError) as exc:
        return 400, {"error": str(exc)}
    return 200, {"decision": decision}
