"""Loads configuration files (key = value lines)."""

from __future__ import annotations

from pathlib import Path

from vsm.config.settings import Settings


def parse(text: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        key, sep, value = line.partition("=")
        if not sep:
            raise ValueError(f"not a key = value line: {raw!r}")
        values[key.strip()] = value.strip()
    return values


def load(path: Path) -> Settings:
    return Settings.from_env(parse(path.read_text(encoding="utf-8")))


def load_policy_defaults() -> dict[str, float]:
    # Imported here, not at the top: the policy module pulls in half of the monolith.
    from vsm.s5.policy import DEFAULT_POLICY

    return dict(DEFAULT_POLICY)
