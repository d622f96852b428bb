"""Frozen dataclasses as JSON-ready data, without `dataclasses.asdict`'s deep copies.

`asdict` copies every leaf through `copy.deepcopy`; a status holding 10,000 rollout changes took
0.16 s to convert that way. Here leaves (str, int, float, bool, None) are taken as they are and
tuples of leaves in one call.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from typing import Any

_LEAVES = (str, int, float, bool, type(None))


def plain(value: Any) -> Any:
    if isinstance(value, _LEAVES):
        return value
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, (tuple, list)):
        if all(isinstance(item, _LEAVES) for item in value):
            return list(value)
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return value
