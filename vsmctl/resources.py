"""Where the files that ship with vsmctl are: templates/ and the default roadmap.yaml.

In a wheel they sit in `vsmctl/_data/` (hatchling force-include); in a source checkout or an
editable install, at the repository root (DESIGN.md's layout).
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_path(name: str) -> Path:
    shipped = _PACKAGE / "_data" / name
    if shipped.exists():
        return shipped
    return _PACKAGE.parent / name


def templates_dir() -> Path:
    return data_path("templates")


def default_roadmap() -> Path:
    return data_path("roadmap.yaml")
