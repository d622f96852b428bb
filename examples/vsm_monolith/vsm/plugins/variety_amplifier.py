"""A plugin in a folder without __init__.py: amplifies variety to match the environment."""

from __future__ import annotations

from vsm.s4.environment import Environment


def amplify(environment: Environment, factor: float = 2.0) -> dict[str, float]:
    return {name: environment.trend(name) * factor for name in environment.signals}
