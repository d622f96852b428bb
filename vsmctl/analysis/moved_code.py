"""Code an extraction moved out of the monolith, seen again by the boundary check.

Once a package's code lives in `packages/NAME/`, an analysis of the monolith folder no longer
reads it: a forbidden import added there after the move would pass the `violations` gate
unseen. `with_moved_code` puts the moved code back into the monolith's graph under its old
module names (the names the roadmap's globs and the check baseline use), with the files where
they are now, in place of the shims or facades that stand at the old names.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class MovedCode:
    folder: Path  # the extracted package's source folder (what goes on sys.path), absolute
    renames: dict[str, str]  # new module root -> old module root, e.g. vsm_goldrush -> vsm.goldrush


def rename(module: str, renames: dict[str, str]) -> str:
    """The old name of a module of the moved code (others unchanged); the longest root first."""
    for new in sorted(renames, key=len, reverse=True):
        if module == new or module.startswith(new + "."):
            return renames[new] + module[len(new):]
    return module
