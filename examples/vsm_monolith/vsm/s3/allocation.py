"""Allocates a resource budget across units in proportion to demand."""

from __future__ import annotations


def allocate(budget: float, demand: dict[str, float]) -> dict[str, float]:
    if budget < 0:
        raise ValueError("budget must not be negative")
    total = sum(demand.values())
    if total <= budget or total == 0:
        return dict(demand)
    return {name: round(budget * d / total, 6) for name, d in demand.items()}
