"""`extract status` output: one row per extraction, in the table style of every command."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from vsmctl.render.tables import new_table, print_table


def print_status(console: Any, states: Sequence[Any]) -> None:
    """`states`: the extractions' ExtractionState (name, mode, branch, done steps, remaining ones)."""
    from rich.text import Text

    if not states:
        console.print("no extractions yet")
        return
    table = new_table(("extraction", "via", "status", "branch", "done", "remaining"))
    for s in states:
        done = ", ".join(f"{d.step} ({d.commit[:8]})" for d in s.done) or "none"
        # Text cells: names and branches are printed as they are, never read as markup
        table.add_row(*(Text(value) for value in (s.name, s.mode, s.describe(), s.branch, done,
                                                 ", ".join(s.remaining) or "none")))
    print_table(console, table)


STEP_FIELDS = ("number", "files", "notes", "warnings", "uncertain_strings", "rewritten_strings", "doc_references",
               "tests_ran", "test_seconds", "python", "code_under_test", "breaking_changes")


def extraction_json(state: Any, records: Sequence[Any], gates: Sequence[Any] = ()) -> dict[str, Any]:
    """`extract subsystem|resume|finish --json`: the extraction and what each step did (its event's
    data: notes, warnings, strings rewritten or left, documentation naming moved code, tests run)."""
    return {"version": 1,
            "extraction": {"name": state.name, "mode": state.mode, "status": state.status, "branch": state.branch,
                           "base_commit": state.base_commit, "message": state.describe()},
            "steps": [{"step": r.step, "commit": r.commit, "event": r.event,
                       **{k: r.data.get(k) for k in STEP_FIELDS if k in r.data}} for r in records],
            "gates": [{"name": g.name, "held": g.held, "detail": g.detail} for g in gates],
            "warnings": [w for r in records for w in r.data.get("warnings") or ()]}
