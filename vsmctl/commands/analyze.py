"""`vsmctl analyze ...`: read a monolith."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from vsmctl.commands.common import emit_json, progress_bar, stdout_console, write_output
from vsmctl.errors import InputError

app = typer.Typer(help="Read a monolith: its import graph, cycles, and how it fits the roadmap.",
                  no_args_is_help=True)


class GraphFormat(StrEnum):
    mermaid = "mermaid"
    dot = "dot"
    html = "html"


@app.command("monolith")
def monolith(
    path: Path = typer.Argument(..., help="The monolith: a package folder, a src/ layout, or a folder of packages."),
    roadmap: Path | None = typer.Option(
        None, "--roadmap", "-r",
        help="roadmap.yaml mapping modules onto target packages (default: PATH/roadmap.yaml if present).",
    ),
    as_json: bool = typer.Option(
        False, "--json", help="Print the report as one JSON document (schema: docs/analysis-json.md)."
    ),
    fmt: GraphFormat | None = typer.Option(
        None, "--format", "-f", help="Write the package graph as mermaid, dot, or a self-contained HTML page."
    ),
    output: Path | None = typer.Option(None, "--output", "-o", help="Where --format writes (default: stdout)."),
    exclude: list[str] = typer.Option(
        [], "--exclude", "-x", help="Leave out files or folders matching this glob (relative to PATH); repeatable."
    ),
    no_cache: bool = typer.Option(False, "--no-cache", help="Analyze from scratch; read and write no cache."),
) -> None:
    """Module graph, metrics, cycles, roadmap assignment and layering violations of PATH.

    Example: vsmctl analyze monolith examples/vsm_monolith --roadmap roadmap.yaml
    """
    from vsmctl.analysis.report import analyze_monolith

    if as_json and fmt is not None:
        raise InputError("--json and --format are exclusive: pick one output")
    if output is not None and fmt is None:
        raise InputError("--output needs --format (mermaid, dot or html); for JSON redirect --json")
    if roadmap is None and (path / "roadmap.yaml").is_file():
        roadmap = path / "roadmap.yaml"
    with progress_bar(not as_json) as progress:
        report = analyze_monolith(path, roadmap, tuple(exclude), use_cache=not no_cache, progress=progress)

    if as_json:
        from vsmctl.render.analysis_json import report_to_dict

        emit_json(report_to_dict(report))
    elif fmt is not None:
        text = _render_graph(report, fmt)
        if output is None:
            typer.echo(text, nl=False)
        else:
            write_output(output, text)
            typer.echo(f"wrote {fmt.value} to {output}", err=True)
    else:
        from vsmctl.render.analysis_console import print_report

        print_report(stdout_console(), report)
    _warn_problems(report)


def _render_graph(report: object, fmt: GraphFormat) -> str:
    if fmt is GraphFormat.html:
        from vsmctl.render.analysis_html import to_html

        return to_html(report)  # type: ignore[arg-type]
    from vsmctl.render.graph_view import graph_view, to_dot, to_mermaid

    view = graph_view(report)  # type: ignore[arg-type]
    return to_mermaid(view) if fmt is GraphFormat.mermaid else to_dot(view)


def _warn_problems(report: object) -> None:
    problems = report.graph.problems  # type: ignore[attr-defined]
    if problems:
        typer.echo(f"warning: {len(problems)} file(s) could not be analyzed "
                   f"(first: {problems[0].location()}: {problems[0].message})", err=True)
