"""`vsmctl check`: fail when the code breaks the roadmap's boundaries."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path

import click
import typer

from vsmctl.analysis.frontends import languages
from vsmctl.commands.common import emit_json, stdout_console, write_output
from vsmctl.errors import CheckFailed


class CheckFormat(str, Enum):  # noqa: UP042 - typer needs a str mixin to parse choices
    human = "human"
    json = "json"
    sarif = "sarif"
    github = "github"


def check(
    path: Path | None = typer.Argument(
        None, help="The monolith (default: the roadmap's `monolith`, else the current folder)."
    ),
    roadmap: Path | None = typer.Option(
        None, "--roadmap", "-r", help="roadmap.yaml (default: found in PATH or its repository)."
    ),
    update_baseline: bool = typer.Option(
        False, "--update-baseline",
        help="Record today's violations in .vsm/check-baseline.json (first time), or drop the fixed ones.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Same as --format json."),
    fmt: CheckFormat = typer.Option(
        CheckFormat.human, "--format", "-f", help="human, json, sarif (code scanning) or github (annotations)."
    ),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the report to FILE instead of stdout."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Analyze from scratch."),
    language: str | None = typer.Option(
        None, "--language", "-l", click_type=click.Choice(languages()),
        help="Read the monolith as this language (default: the first whose code it holds).",
    ),
) -> None:
    """Fail (exit 1) on imports that break the roadmap: undeclared dependencies, another package's
    private modules, cycles between packages. Known violations in the baseline do not fail.

    Example: vsmctl check --roadmap roadmap.yaml --format sarif -o vsmctl.sarif
    """
    from vsmctl.check.service import run_check
    from vsmctl.render import check_output

    result = run_check(path, roadmap, update_baseline, use_cache=not no_cache, language=language)
    if as_json:
        fmt = CheckFormat.json
    if fmt is CheckFormat.human:
        if output is not None:
            from rich.console import Console

            console = Console(record=True, width=120)
            with console.capture():
                check_output.print_human(console, result)
            write_output(output, console.export_text())
        else:
            check_output.print_human(stdout_console(), result)
    else:
        if fmt is CheckFormat.github:
            text = check_output.to_github(result)
        else:
            doc = check_output.to_json(result) if fmt is CheckFormat.json else check_output.to_sarif(result)
            if output is None:
                emit_json(doc)
                text = None
            else:
                text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
        if text is not None and output is not None:
            write_output(output, text)
        elif text is not None:
            typer.echo(text, nl=False)
    if not result.ok:
        raise CheckFailed(f"{len(result.new)} new boundary violation(s)")
