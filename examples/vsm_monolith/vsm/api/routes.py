"""Maps (method, path) to handler names."""

from __future__ import annotations

ROUTES: dict[tuple[str, str], str] = {
    ("GET", "/health"): "health",
    ("GET", "/status"): "status",
    ("POST", "/allocate"): "allocate",
    ("POST", "/alert"): "alert",
}


def resolve(method: str, path: str) -> str | None:
    return ROUTES.get((method.upper(), path.rstrip("/") or "/"))
