"""Which roadmap a command reads: one rule for every command.

An explicit `--roadmap FILE` wins; otherwise `roadmap.yaml` in the folder the command was
pointed at, then the one at the root of its workspace (the repository). Commands that cannot
work without a roadmap (check, extract) ask for it to be required.
"""

from __future__ import annotations

from pathlib import Path

from vsmctl.errors import InputError
from vsmctl.workspace import Workspace

ROADMAP_NAME = "roadmap.yaml"


def find_roadmap(start: Path | None, explicit: Path | None = None, required: bool = False) -> Path | None:
    """The roadmap file for a command run on `start` (a folder or file; cwd when None)."""
    if explicit is not None:
        path = Path(explicit)
        if not path.is_file():
            raise InputError(f"--roadmap {path}: no such file")
        return path
    origin = Path(start) if start is not None else Path.cwd()
    folder = origin if origin.is_dir() else origin.parent
    for candidate in (folder / ROADMAP_NAME, Workspace.at(folder).roadmap_path):
        if candidate.is_file():
            return candidate
    if required:
        raise InputError(f"no {ROADMAP_NAME} in {folder} or at the root of its repository: pass --roadmap FILE")
    return None
