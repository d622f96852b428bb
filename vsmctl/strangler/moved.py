"""Where each extraction's code is now, for the boundary check (analysis/moved_code.py)."""

from __future__ import annotations

from pathlib import Path

from vsmctl.analysis.moved_code import MovedCode
from vsmctl.strangler.state import ExtractionState

CODE_STEPS = ("move", "copy")  # the steps after which the package holds the code


def moved_code(root: Path, states: list[ExtractionState]) -> list[MovedCode]:
    """The extracted packages whose code was moved or copied, present in the checkout at `root`."""
    found = []
    for current in states:
        plan = current.plan
        # the language is the analysis frontend's to decide (analysis/moved_merge.py)
        if current.rolled_back or not any(done.step in CODE_STEPS for done in current.done):
            continue
        folder = Path(root) / plan["package_dir"]
        if folder.is_dir():
            found.append(MovedCode(folder.resolve(), {new: old for old, new in plan["moves"].items()}))
    return found
