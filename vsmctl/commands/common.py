"""What every command shares: global options, consoles, progress, writing outputs."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class _State:
    debug: bool = False


state = _State()


def stdout_console() -> Any:
    from rich.console import Console

    # soft_wrap: long lines (paths, import chains) stay whole in pipes and files instead of
    # being cut at 80 columns
    return Console(soft_wrap=True)


@contextmanager
def progress_bar(enabled: bool = True) -> Iterator[Callable[[str, int, int], None]]:
    """A progress callback for services, drawn on stderr (stdout stays clean for --json)."""
    import sys

    if not enabled or not sys.stderr.isatty():
        yield lambda stage, done, total: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as progress:
        tasks: dict[str, Any] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=total)
            progress.update(tasks[stage], completed=done, total=total)

        yield update


def emit_json(document: Any) -> None:
    import sys

    # Indented output uses json's pure-Python encoder (several times slower on big graphs):
    # pretty for people at a terminal, compact for pipes and files.
    indent = 2 if sys.stdout.isatty() else None
    sys.stdout.write(json.dumps(document, indent=indent, ensure_ascii=False) + "\n")


def write_output(path: Path, text: str) -> None:
    from vsmctl.workspace import atomic_write_text

    atomic_write_text(path, text, make_parents=False)
