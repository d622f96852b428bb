"""Text views of the system's state."""

from __future__ import annotations

from typing import Any


def render_status(status: dict[str, Any]) -> str:
    lines = [f"{status['identity']}: {status['purpose']}"]
    for key in sorted(status["metrics"]):
        lines.append(f"  {key:<24} {status['metrics'][key]:>10.2f}")
    lines.append(f"  units: {', '.join(status['units'])}")
    return "\n".join(lines)
