"""Finding the workspace from running code: standard library only (runtime modules import it)."""

from __future__ import annotations

import os


def workspace_file(name: str, start: str = ".") -> str:
    """`.vsm/<name>` of the workspace enclosing `start`: the nearest folder with `.vsm` or `.git`
    (or `start` itself when there is none)."""
    here = os.path.abspath(start)
    while True:
        if os.path.isdir(os.path.join(here, ".vsm")) or os.path.exists(os.path.join(here, ".git")):
            return os.path.join(here, ".vsm", name)
        parent = os.path.dirname(here)
        if parent == here:
            return os.path.join(os.path.abspath(start), ".vsm", name)
        here = parent
