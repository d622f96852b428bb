"""Turning any value into JSON for the record: what cannot be encoded is summarised, not lost."""

from __future__ import annotations

import json

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

MAX_REPR = 500


def _summary(value: Any) -> Any:
    if isinstance(value, set | frozenset):
        return sorted(value, key=repr)  # members json cannot encode come back through _summary
    if isinstance(value, bytes):
        return {"$bytes": len(value), "head": value[:64].hex()}
    text = repr(value)
    return {"$type": f"{type(value).__module__}.{type(value).__qualname__}",
            "repr": text if len(text) <= MAX_REPR else text[:MAX_REPR] + "…"}


def encode(value: Any) -> str:
    return json.dumps(value, default=_summary, ensure_ascii=False, sort_keys=True)
