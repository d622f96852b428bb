"""Structural differences between two JSON-like values, as field paths (`$.a[2].b`)."""

from __future__ import annotations

import re

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

MISSING = "<missing>"
_INDEX = re.compile(r"\[\d+\]")


def differences(a: Any, b: Any, path: str = "$", limit: int = 50) -> list[tuple[str, Any, Any]]:
    """(path, left, right) for each differing leaf, at most `limit` of them."""
    out: list[tuple[str, Any, Any]] = []
    _walk(a, b, path, out, limit)
    return out


def _walk(a: Any, b: Any, path: str, out: list[tuple[str, Any, Any]], limit: int) -> None:
    if len(out) >= limit:
        return
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b), key=str):
            sub = f"{path}.{key}" if str(key).isidentifier() else f"{path}[{key!r}]"
            if key not in a:
                out.append((sub, MISSING, b[key]))
            elif key not in b:
                out.append((sub, a[key], MISSING))
            else:
                _walk(a[key], b[key], sub, out, limit)
        return
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        for i in range(max(len(a), len(b))):
            sub = f"{path}[{i}]"
            if i >= len(a):
                out.append((sub, MISSING, b[i]))
            elif i >= len(b):
                out.append((sub, a[i], MISSING))
            else:
                _walk(a[i], b[i], sub, out, limit)
        return
    if type(a) is not type(b) or a != b:
        out.append((path, a, b))


def shape(path: str) -> str:
    """`$.allocations[3].quota` -> `$.allocations[*].quota`: list positions do not make a kind."""
    return _INDEX.sub("[*]", path)


def shapes(diffs: list[tuple[str, Any, Any]]) -> list[str]:
    return sorted({shape(p) for p, _a, _b in diffs})
