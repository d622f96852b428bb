"""`vsmctl roadmap ...`: the migration as one plan — init, status, plan, gates."""

from __future__ import annotations

from pathlib import Path

import typer

from vsmctl.commands.common import emit_json, stdout_console, write_output

app = typer.Typer(help="The migration as one plan: where it stands, what to do next, which gates hold.",
                  no_args_is_help=True)
WORKSPACE = typer.Option(Path("."), "--workspace", "-w", help="A folder in the monolith's git repository.")
ROADMAP = typer.Option(None, "--roadmap", "-r", help="roadmap.yaml (default: the repository's).")
JSON = typer.Option(False, "--json", help="A JSON document on stdout.")


@app.command("init")
def init(
    path: Path | None = typer.Argument(None, help="The monolith's source folder, to propose packages from."),
    template: str | None = typer.Option(None, "--template", help="Start from a named roadmap instead: vsm."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Where (default: roadmap.yaml at the "
                                                                     "repository's root)."),
    packages: int | None = typer.Option(None, "--packages", help="How many packages to propose."),
) -> None:
    """Write a roadmap.yaml for a monolith that has none (never overwrites one).

    Example: vsmctl roadmap init src/myapp   |   vsmctl roadmap init --template vsm
    """
    from vsmctl.migration.init import init_roadmap

    result = init_roadmap(path, template, output, packages)
    typer.echo(f"wrote {result.path} from the {result.source}: {result.packages} package(s), phases: "
               f"{', '.join(result.phases) or 'none'}; next: vsmctl check, then vsmctl roadmap plan")


@app.command("status")
def status(
    as_json: bool = JSON,
    html: Path | None = typer.Option(None, "--html", help="Also write the dashboard: one self-contained page."),
    roadmap: Path | None = ROADMAP, workspace: Path = WORKSPACE,
) -> None:
    """Per phase and package: stage, flag rollout, parallel run, open violations, gates.

    Computed from git, the event log and the parallel-run store; nothing is stored.
    """
    from vsmctl.migration.status import migration_status
    from vsmctl.render import roadmap_output

    found = migration_status(workspace, roadmap)
    if html is not None:
        from vsmctl.render.roadmap_html import render_dashboard

        write_output(html, render_dashboard(found))
        typer.echo(f"wrote {html}", err=True)
    if as_json:
        emit_json(roadmap_output.status_json(found))
        return
    roadmap_output.print_status(stdout_console(), found)


@app.command("plan")
def plan(as_json: bool = JSON, roadmap: Path | None = ROADMAP, workspace: Path = WORKSPACE) -> None:
    """What can be extracted now (in order), what blocks the rest (file:line), the next command of each
    package in progress."""
    from vsmctl.migration.planning import migration_plan
    from vsmctl.render import roadmap_output

    found = migration_plan(workspace, roadmap)
    if as_json:
        emit_json(roadmap_output.plan_json(found))
        return
    roadmap_output.print_plan(stdout_console(), found)


@app.command("gates")
def gates(
    phase: str | None = typer.Argument(None, help="A phase of the roadmap (default: the current one)."),
    as_json: bool = JSON, roadmap: Path | None = ROADMAP, workspace: Path = WORKSPACE,
) -> None:
    """Each gate of a phase, per package: held or not, with its figure. Exit 1 when one is not held."""
    from vsmctl.migration.status import phase_gates
    from vsmctl.render import roadmap_output

    found = phase_gates(workspace, roadmap, phase)
    if as_json:
        emit_json(roadmap_output.gates_json(found))
    else:
        roadmap_output.print_gates(stdout_console(), found)
    if not all(p.gates_held for p in found.packages):
        raise typer.Exit(1)
