"""Shell completion of names only vsmctl knows: flag keys (from the flag store) and roadmap packages.

A completion runs at every TAB press, on a half-typed command line: it reads what it can and
offers nothing rather than fail (a traceback would be printed into the user's prompt).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer


def _option_path(ctx: typer.Context, name: str, default: Path | None) -> Path | None:
    value = ctx.params.get(name)
    return Path(value) if value is not None else default


def flag_names(ctx: typer.Context, incomplete: str) -> list[str]:
    """The flags of the workspace given by --workspace (default: the current folder)."""
    try:
        from vsmctl.flags.store import FlagStore
        from vsmctl.workspace import Workspace

        workspace = _option_path(ctx, "workspace", Path("."))
        flags: dict[str, Any] = FlagStore(Workspace.at(workspace or Path("."))).current()
    except Exception:  # a broken or missing store: no suggestions, the command itself will say why
        return []
    return sorted(key for key in flags if key.startswith(incomplete))


def roadmap_packages(ctx: typer.Context, incomplete: str) -> list[str]:
    """The target packages of --roadmap, else of the roadmap.yaml the command would find."""
    try:
        from vsmctl.roadmap.loader import load_roadmap
        from vsmctl.roadmap.resolve import find_roadmap

        path = find_roadmap(_option_path(ctx, "workspace", None), _option_path(ctx, "roadmap", None))
        names = load_roadmap(path).names if path is not None else ()
    except Exception:  # a roadmap that does not load: no suggestions
        return []
    return [name for name in names if name.startswith(incomplete)]
