"""`vsmctl analyze ...`: read a monolith."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import click
import typer

from vsmctl.analysis.frontends import languages
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
        help="roadmap.yaml mapping modules onto target packages (default: PATH/roadmap.yaml, else the repository's).",
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
    language: str | None = typer.Option(
        None, "--language", "-l", click_type=click.Choice(languages()),
        help="Read PATH as this language (default: the first whose code PATH holds).",
    ),
    propose: bool = typer.Option(
        False, "--propose",
        help="Propose package boundaries: seeded by the roadmap's patterns if it has any, else from the graph alone.",
    ),
    packages: int | None = typer.Option(None, "--packages", "-n", help="With --propose: how many packages to aim for."),
    write: bool = typer.Option(
        False, "--write", help="With --propose: store the proposal in roadmap.yaml as patterns."
    ),
    history: int = typer.Option(
        0, "--history", help="With --propose: count modules changed together in the last N commits as linked."
    ),
    cut_cycles: bool = typer.Option(
        True, "--cut-cycles/--keep-cycles",
        help="With --propose: cycles are cut at their weakest edges (default), or each kept in one package."
    ),
) -> None:
    """Module graph, metrics, cycles, roadmap assignment and layering violations of PATH.

    Example: vsmctl analyze monolith examples/vsm_monolith --roadmap roadmap.yaml

    With --propose: where the package boundaries could be, what each would cost, and the order to
    extract them; --write puts the proposal into roadmap.yaml (comments and order kept).
    """
    from vsmctl.analysis.report import analyze_monolith

    if not propose and (packages is not None or write or history or not cut_cycles):
        raise InputError("--packages, --write, --history and --keep-cycles go with --propose")
    if as_json and fmt is not None:
        raise InputError("--json and --format are exclusive: pick one output")
    if output is not None and fmt is None:
        raise InputError("--output needs --format (mermaid, dot or html); for JSON redirect --json")
    if propose and fmt not in (None, GraphFormat.html):
        raise InputError("with --propose, --format html draws the proposed packages (mermaid and dot do not)")
    if propose:
        _propose(path, roadmap, as_json, packages, write, history, cut_cycles, tuple(exclude), not no_cache,
                 language, output if fmt is not None else None, fmt is not None)
        return
    from vsmctl.roadmap.resolve import find_roadmap

    roadmap = find_roadmap(path, roadmap)
    with progress_bar(not as_json) as progress:
        report = analyze_monolith(path, roadmap, tuple(exclude), use_cache=not no_cache, progress=progress,
                                  language=language)

    if as_json:
        from vsmctl.render.analysis_json import report_to_dict

        emit_json(report_to_dict(report))
    elif fmt is not None:
        _emit(_render_graph(report, fmt), output, fmt.value)
    else:
        from vsmctl.render.analysis_console import print_report

        print_report(stdout_console(), report)
    _warn_problems(report)


def _emit(text: str, output: Path | None, what: str) -> None:
    if output is None:
        typer.echo(text, nl=False)
    else:
        write_output(output, text)
        typer.echo(f"wrote {what} to {output}", err=True)


def _render_graph(report: object, fmt: GraphFormat) -> str:
    if fmt is GraphFormat.html:
        from vsmctl.render.analysis_html import to_html

        return to_html(report)  # type: ignore[arg-type]
    from vsmctl.render.graph_view import graph_view, to_dot, to_mermaid

    view = graph_view(report)  # type: ignore[arg-type]
    return to_mermaid(view) if fmt is GraphFormat.mermaid else to_dot(view)


def _warn_problems(report: object) -> None:
    graph = report.graph  # type: ignore[attr-defined]
    if graph.problems:
        first = graph.problems[0]
        typer.echo(f"warning: {len(graph.problems)} file(s) could not be analyzed "
                   f"(first: {first.location(graph.repo_prefix)}: {first.message})", err=True)


def _propose(path: Path, roadmap: Path | None, as_json: bool, packages: int | None, write: bool, history: int,
             cut_cycles: bool, exclude: tuple[str, ...], use_cache: bool, language: str | None,
             output: Path | None = None, html: bool = False) -> None:
    from vsmctl.propose.service import propose_boundaries, write_to_roadmap
    from vsmctl.render.proposal_output import print_proposal, proposal_to_dict
    from vsmctl.roadmap.resolve import find_roadmap

    if not (write and roadmap is not None and not roadmap.exists()):
        roadmap = find_roadmap(path, roadmap)
    # --write may create the roadmap: a missing file is then a fresh start, not an error.
    source = roadmap if not (write and roadmap is not None and not roadmap.exists()) else None
    with progress_bar(not as_json) as progress:
        graph, proposal = propose_boundaries(path, source, packages, history, cut_cycles, exclude, use_cache,
                                             progress, language)
    written = None
    if write:
        from vsmctl.workspace import Workspace

        target = roadmap or Workspace.at(path).roadmap_path
        written = write_to_roadmap(target, proposal, graph)
    if html:
        from vsmctl.render.graph_page import proposal_page_data, to_page

        _emit(to_page(proposal_page_data(proposal, graph)), output, "html")
        return
    if as_json:
        doc = proposal_to_dict(proposal, graph)
        if written is not None:
            doc["written"] = {"path": str(written.path), "created": written.created,
                              "added_patterns": {k: list(v) for k, v in written.added_patterns.items()},
                              "added_packages": list(written.added_packages)}
        emit_json(doc)
        return
    console = stdout_console()
    print_proposal(console, proposal, graph)
    if written is not None:
        what = "created" if written.created else "updated"
        n = sum(len(v) for v in written.added_patterns.values())
        console.print(f"{what} {written.path}: {n} pattern(s) added to {len(written.added_patterns)} package(s)",
                      highlight=False)


@app.command("score")
def score(
    path: Path = typer.Argument(..., help="The monolith (as for `analyze monolith`)."),
    reference: Path = typer.Option(..., "--reference", help="YAML or JSON mapping of module to package: the truth."),
    roadmap: Path | None = typer.Option(None, "--roadmap", "-r", help="Score this roadmap's assignment."),
    partition: Path | None = typer.Option(None, "--partition", help="Score this module -> package mapping instead."),
    propose: bool = typer.Option(False, "--propose", help="Score a fresh proposal (with --roadmap: seeded)."),
    cut_cycles: bool = typer.Option(True, "--cut-cycles/--keep-cycles",
                                    help="With --propose: cut cycles (default) or keep each in one package."),
    as_json: bool = typer.Option(False, "--json", help="Print the scores as JSON."),
) -> None:
    """Compare a partition with a reference: MoJoFM, TurboMQ, modularity, cross-boundary edges.

    Example: vsmctl analyze score examples/vsm_monolith --roadmap roadmap.yaml --reference truth.yaml
    """
    from dataclasses import asdict

    from vsmctl.propose.score_partition import score_partition

    result, label = score_partition(path, reference, roadmap, partition, propose, cut_cycles)
    if as_json:
        emit_json({"version": 1, "partition": label, **asdict(result)})
        return
    from vsmctl.render.proposal_output import print_score

    print_score(stdout_console(), result, label)
