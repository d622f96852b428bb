"""One table style for every command (rich tables), and no truncated data outside a terminal.

At a terminal, a cell too wide for its column folds onto the next line; in a pipe or a file the
table is drawn as wide as its widest row, so every value stays whole and greppable.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from rich.markup import escape

UNBOUNDED = 100_000


def new_table(headers: Sequence[str], right: Iterable[str] = (), title: str | None = None) -> Any:
    """A table whose columns fold rather than cut (`right`: the headers of right-aligned columns)."""
    from rich.table import Table

    table = Table(title=title)
    aligned = set(right)
    for header in headers:
        table.add_column(header, justify="right" if header in aligned else "left", overflow="fold")
    return table


def print_table(console: Any, table: Any) -> None:
    if table.title:  # a line of its own: rich would pad it to the table's width
        console.print(f"[bold]{escape(str(table.title))}[/]", highlight=False)
        table.title = None
    if console.is_terminal:
        console.print(table)
        return
    from rich.measure import Measurement
    from rich.segment import Segments

    # rich caps a print at the console's width (80 columns in a pipe): render at the table's own
    # width instead, and print the lines as they are (no wrapping, no cropping)
    width = Measurement.get(console, console.options.update_width(UNBOUNDED), table).maximum
    for line in console.render_lines(table, console.options.update_width(max(width, 1)), new_lines=True):
        console.print(Segments(line), end="", soft_wrap=True, crop=False)
