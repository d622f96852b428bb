"""Comparison options for experiments: lists in any order, floats within a tolerance.

    experiment("s3.allocate", candidate=new, compare=tolerant(unordered=True, rel_tol=1e-9))
    vsmctl parallel-run run ... --unordered --float-tolerance 1e-9

Plain `==` is tried first (in C, the cost of a match is unchanged); only values that differ are
walked again with the options. Standard library only.
"""

from __future__ import annotations

import math

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any


def tolerant(unordered: bool = False, rel_tol: float = 0.0, abs_tol: float = 0.0) -> Callable[[Any, Any], bool]:
    """A `compare=` for experiments.

    unordered: lists and tuples are equal when they hold the same items, in any order, counted
        (a multiset: [1, 1, 2] is not [1, 2, 2]); items are paired greedily, each with the first
        equal one left.
    rel_tol, abs_tol: numbers (not booleans) are equal within `math.isclose(a, b, rel_tol, abs_tol)`,
        at any depth; NaN equals NaN.
    """
    if rel_tol < 0 or abs_tol < 0:
        raise ValueError("tolerances must not be negative")
    numbers = rel_tol > 0 or abs_tol > 0

    def equal(a: Any, b: Any) -> bool:
        if a == b:
            return True
        if numbers and _is_number(a) and _is_number(b):
            return (a != a and b != b) or math.isclose(a, b, rel_tol=rel_tol, abs_tol=abs_tol)
        if isinstance(a, dict) and isinstance(b, dict):
            return a.keys() == b.keys() and all(equal(a[k], b[k]) for k in a)
        if isinstance(a, list | tuple) and isinstance(b, list | tuple) and type(a) is type(b):
            if len(a) != len(b):
                return False
            if not unordered:
                return all(equal(x, y) for x, y in zip(a, b, strict=True))
            return _same_items(a, b, equal)
        return False

    return equal


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _same_items(a: Any, b: Any, equal: Callable[[Any, Any], bool]) -> bool:
    left = list(b)
    for item in a:
        for i, other in enumerate(left):
            if equal(item, other):
                del left[i]
                break
        else:
            return False
    return True
