"""The note `analyze` and `check` print once about roadmap packages that name no modules.

Such packages (planned, not in the monolith yet) appear in no table and no rule checks them:
without the note a phase full of them would look finished, or forgotten.
"""

from __future__ import annotations

from vsmctl.roadmap.model import Roadmap


def no_modules_note(roadmap: Roadmap, consequence: str) -> str | None:
    """One line naming the packages without modules, grouped by phase, or None when there are none."""
    empty = roadmap.without_modules
    if not empty:
        return None
    by_phase: dict[str, list[str]] = {}
    for package in empty:
        phase = roadmap.phase_of(package.name)
        by_phase.setdefault(f"phase {phase.name}" if phase else "no phase", []).append(package.name)
    groups = "; ".join(f"{', '.join(names)} ({where})" for where, names in by_phase.items())
    return f"{len(empty)} roadmap package(s) name no modules yet, so {consequence}: {groups}"
