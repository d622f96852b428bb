"""`vsmctl extract ...`: take a roadmap package out of the monolith, step by rollback-able step."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import typer

from vsmctl.commands.common import emit_json, stdout_console
from vsmctl.commands.completion import roadmap_packages
from vsmctl.roadmap.approaches import APPROACHES

app = typer.Typer(help="Extract roadmap packages: every step a git commit, tested, and undoable.",
                  no_args_is_help=True)
WORKSPACE = typer.Option(Path("."), "--workspace", "-w", help="A folder in the monolith's git repository.")
ROADMAP = typer.Option(None, "--roadmap", "-r", help="roadmap.yaml (default: the repository's).")
ACTOR = typer.Option(None, "--actor", help="Who (default: git config user.name <user.email>).")
# an extraction is named by its roadmap package: the shell completes it from the roadmap
PACKAGE = typer.Argument(..., help="The roadmap package.", autocompletion=roadmap_packages, show_default=False)


def _actor(actor: str | None, workspace: Path) -> str:
    if actor:
        return actor
    from vsmctl.flags.store import default_actor

    return default_actor(str(workspace))


@app.command("subsystem")
def subsystem(
    name: str = typer.Argument(..., help="A roadmap package, e.g. vsm-s3-control", autocompletion=roadmap_packages),
    via: str = typer.Option(
        "strangler", "--via", click_type=click.Choice(APPROACHES),
        help="strangler (move + shims) or abstraction (protocol + facade + flag)",
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show the plan and the full diff; write nothing."),
    no_shims: bool = typer.Option(
        False, "--no-shims", help="Strangler: leave no compatibility shims at the old paths."
    ),
    template: str | None = typer.Option(None, "--template", help="Another copier template (a path or a git URL)."),
    monolith: Path | None = typer.Option(None, "--monolith", help="The monolith's folder (default: the roadmap's)."),
    roadmap: Path | None = ROADMAP, actor: str | None = ACTOR, workspace: Path = WORKSPACE,
    as_json: bool = typer.Option(False, "--json", help="What each step did, as JSON (progress stays on stderr)."),
) -> None:
    """Extract a roadmap package: scaffold, move (or copy + abstraction), shim; each step a commit.

    Example: vsmctl extract subsystem vsm-s3-control --dry-run
    """
    from vsmctl.strangler import service

    if dry_run:
        plan, diff = service.dry_run(workspace, name, via, roadmap, monolith, template, no_shims)
        typer.echo(f"plan for {name} ({via}): {len(plan.files)} module(s) -> {plan.package_dir}, "
                   f"{len(plan.importers)} importer(s) to check; nothing written")
        for old, new in sorted(plan.moves.mapping.items()):
            typer.echo(f"  {old} -> {new}")
        typer.echo(diff)
        return
    state = service.extract(workspace, name, via, roadmap, monolith, template, no_shims, _actor(actor, workspace),
                            lambda message: typer.echo(f"{name}: {message}", err=True))
    if as_json:
        _emit(workspace, state)
        return
    typer.echo(f"{name}: extracted ({via}) on branch {state.branch}: "
               + ", ".join(f"{d.step} {d.commit[:8]}" for d in state.done))
    if via == "abstraction":
        typer.echo(f"cut over with `vsmctl flag flip extract.{name} on` (off rolls back)")


@app.command("status")
def status(name: str | None = typer.Argument(None, help="One extraction (default: all).",
                                             autocompletion=roadmap_packages),
           as_json: bool = typer.Option(False, "--json"), workspace: Path = WORKSPACE) -> None:
    """Extractions in this repository (from their branches and events): steps done and what remains."""
    from vsmctl.strangler import service

    states = service.status(workspace, name)
    if as_json:
        emit_json({"version": 1, "extractions": [
            {"name": s.name, "mode": s.mode, "status": s.status, "branch": s.branch, "base_branch": s.base_branch,
             "base_commit": s.base_commit, "steps": list(s.steps),
             "done": [{"step": d.step, "commit": d.commit, "event": d.event} for d in s.done],
             "remaining": s.remaining, "user_commits": list(s.foreign), "message": s.describe()}
            for s in states]})
        return
    from vsmctl.render.extract_output import print_status

    print_status(stdout_console(), states)


JSON = typer.Option(False, "--json", help="What each step did, as JSON (progress stays on stderr).")


def _emit(workspace: Path, state: Any, gates: list[Any] | None = None) -> None:
    from vsmctl.render.extract_output import extraction_json
    from vsmctl.strangler import service

    emit_json(extraction_json(state, service.step_records(workspace, state), gates or []))


@app.command("resume")
def resume(name: str = PACKAGE, actor: str | None = ACTOR, workspace: Path = WORKSPACE,
           as_json: bool = JSON) -> None:
    """Go on with an extraction that was interrupted or whose step failed (with the roadmap's test
    command as it is now)."""
    from vsmctl.strangler import service

    state = service.resume(workspace, name, _actor(actor, workspace), lambda m: typer.echo(f"{name}: {m}", err=True))
    if as_json:
        _emit(workspace, state)
        return
    typer.echo(f"{name}: {state.describe()}")


@app.command("rollback")
def rollback(name: str = PACKAGE,
             to: str | None = typer.Option(None, "--to", help="A step name: go back to just before it."),
             force: bool = typer.Option(False, "--force", help="Also drop commits you made on the migration branch."),
             actor: str | None = ACTOR, workspace: Path = WORKSPACE) -> None:
    """Return the tree to its state before the extraction (or before a step), recorded as an event."""
    from vsmctl.strangler import service

    event = service.rollback(workspace, name, to, _actor(actor, workspace), force)
    typer.echo(f"{name}: rolled back {'to before ' + to if to else 'to before the extraction'} ({event})")


def _new_violations(name: str) -> Callable[[Path, Path | None], int]:
    """For the `violations` gate: the new findings of `vsmctl check` in the package's code."""
    from vsmctl.check.service import new_violations_of
    from vsmctl.strangler.moved import moved_code
    from vsmctl.strangler.service import status

    return lambda root, roadmap: new_violations_of(None, roadmap, name, moved_code(root, status(root)))


@app.command("finish")
def finish(name: str = PACKAGE, roadmap: Path | None = ROADMAP, actor: str | None = ACTOR,
           workspace: Path = WORKSPACE,
           allow_breaking: bool = typer.Option(False, "--allow-breaking",
                                               help="Finish even if the moved code's public API broke."),
           force: bool = typer.Option(False, "--force", help="Branch by abstraction: finish even with the flag "
                                      "at 0% (all traffic then moves to code that never served)."),
           as_json: bool = JSON) -> None:
    """Remove the old code, once the roadmap phase's gates hold (flag at 100%, parallel-run match, tests,
    no breaking change in the moved code's public API); a cut-over flag at 0% needs --force."""
    from vsmctl.strangler import service

    state, results = service.finish(workspace, name, roadmap, _actor(actor, workspace), _new_violations(name),
                                    allow_breaking, force, lambda m: typer.echo(f"{name}: {m}", err=True))
    if as_json:
        _emit(workspace, state, list(results))
        return
    typer.echo("\n".join(["gates:", *[f"  {r.name}: {r.detail}" for r in results]]))
    typer.echo(f"{name}: old code removed")
