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
