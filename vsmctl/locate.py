"""Finding the workspace: standard library only, shared by the CLI and by runtime modules, so
that both agree on which `.vsm/` folder is meant."""

from __future__ import annotations

import os


def workspace_root(start: str = ".") -> str:
    """The nearest folder at or above `start` with a `.vsm` folder or a `.git` (or `start`
    itself, or its folder when it is a file, when there is none)."""
    origin = os.path.abspath(start)
    if not os.path.isdir(origin):
        origin = os.path.dirname(origin)
    here = origin
    while True:
        if os.path.isdir(os.path.join(here, ".vsm")) or os.path.exists(os.path.join(here, ".git")):
            return here
        parent = os.path.dirname(here)
        if parent == here:
            return origin
        here = parent


def workspace_file(name: str, start: str = ".") -> str:
    """`.vsm/<name>` of the workspace enclosing `start`."""
    return os.path.join(workspace_root(start), ".vsm", name)
