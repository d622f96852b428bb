"""`vsmctl flag ...`: feature flags with an audit trail and rollback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import typer

from vsmctl.commands.common import emit_json, stdout_console, write_output
from vsmctl.commands.completion import flag_names
from vsmctl.errors import CheckFailed, InputError
from vsmctl.flags.model import TYPES

app = typer.Typer(
    help="Feature flags: every change is an event in .vsm/events.jsonl, .vsm/flags.json is what code reads.",
    no_args_is_help=True,
)

WORKSPACE = typer.Option(Path("."), "--workspace", "-w", help="The workspace (a folder in the monolith's repository).")
REASON = typer.Option(None, "--reason", help="Why: recorded in the audit trail.")
ACTOR = typer.Option(None, "--actor", help="Who (default: git config user.name <user.email>).")
EXPORT_FORMATS = ("flagd", "openfeature-json")

# a flag key: the shell completes it from the workspace's flags
NAME = typer.Argument(..., help="The flag's key.", autocompletion=flag_names, show_default=False)

BACKEND = typer.Option(
    None, "--backend", envvar="VSMCTL_FLAGS_BACKEND",
    help="Also publish the flags to Redis (redis://host:port/db) for running clients; the file stays the record.",
)


def _store(workspace: Path) -> Any:
    from vsmctl.flags.store import FlagStore
    from vsmctl.workspace import Workspace

    if not workspace.is_dir():
        raise InputError(f"{workspace}: not a folder")
    return FlagStore(Workspace.at(workspace))


def _apply(workspace: Path, key: str, action: str, mutate: Any, reason: str | None, actor: str | None,
           backend: str | None, extra: dict[str, Any] | None = None) -> None:
    from vsmctl.flags.store import default_actor
    from vsmctl.render.flag_output import describe_applied

    store = _store(workspace)
    change = store.change(key, action, mutate, actor or default_actor(str(store.workspace.root)), reason, extra)
    typer.echo(describe_applied(key, change.before, change.after, change.event.id))
    if backend:
        _publish(store, backend)


def _publish(store: Any, backend: str) -> None:
    from vsmctl.flags.redis_channel import publish

    try:
        heard = publish(backend, store.workspace.flags_path.read_text(encoding="utf-8"))
    except ImportError:
        raise InputError("--backend redis:// needs the redis extra: pip install 'vsmctl[redis]'") from None
    except Exception as exc:  # redis errors: the change itself is recorded; say so
        raise InputError(f"the change is recorded, but publishing to {backend} failed: {exc}") from None
    typer.echo(f"published to {backend} ({heard} client(s) listening)")


@app.command("create")
def create(
    name: str = typer.Argument(..., help="Flag key, e.g. extract.vsm-s3-control"),
    flag_type: str = typer.Option("boolean", "--type", click_type=click.Choice(TYPES), help="The values' type."),
    variants: str | None = typer.Option(
        None, "--variants", help="name=value,... (default for boolean: on=true,off=false)"
    ),
    default: str | None = typer.Option(None, "--default", help="The default variant (boolean: off)."),
    owner: str | None = typer.Option(None, "--owner", help="Who answers for the flag."),
    description: str | None = typer.Option(None, "--description", help="What it switches."),
    expires: str | None = typer.Option(None, "--expires", help="YYYY-MM-DD after which the flag is stale."),
    reason: str | None = REASON, actor: str | None = ACTOR, backend: str | None = BACKEND,
    workspace: Path = WORKSPACE,
) -> None:
    """Create a flag (enabled, serving its default variant).

    Example: vsmctl flag create extract.vsm-s3-control --owner platform --expires 2027-03-31
    """
    from vsmctl.events import now_iso
    from vsmctl.flags import changes
    from vsmctl.flags.model import FlagError, parse_value

    try:
        if variants is None:
            if flag_type != "boolean":
                raise InputError(f"--variants is needed for a {flag_type} flag (name=value,...)")
            parsed = {"on": True, "off": False}
        else:
            parsed = {}
            for item in variants.split(","):
                vname, sep, raw = item.partition("=")
                if not sep or not vname.strip():
                    raise InputError(f"--variants: '{item}' is not name=value")
                parsed[vname.strip()] = parse_value(flag_type, raw.strip())
    except FlagError as exc:
        raise InputError(f"--variants: {exc}") from None
    if expires is not None:
        _check_date(expires)
    definition = changes.new_flag(name, flag_type, parsed, now_iso(), default, owner, description, expires)
    _apply(workspace, name, "created", changes.create(definition), reason, actor, backend)


def _check_date(text: str) -> None:
    from datetime import UTC, date, datetime

    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise InputError(f"--expires: '{text}' is not a date (YYYY-MM-DD)") from None
    today = datetime.now(UTC).date()
    if day < today:  # a flag born stale would fail `flag list --stale` in CI at once
        raise InputError(f"--expires: {text} is in the past (today is {today.isoformat()})")


def _percent(text: str | None) -> float | None:
    """--percent as a number from 0 to 100; anything else is one clear line, not click's usage block."""
    import math

    if text is None:
        return None
    try:
        percent = float(text)
    except ValueError:
        raise InputError(f"--percent must be a number from 0 to 100, not '{text}'") from None
    if math.isnan(percent) or not 0 <= percent <= 100:
        raise InputError(f"--percent must be from 0 to 100, not {text}")
    return percent


@app.command("flip")
def flip(
    name: str = NAME,
    state: str = typer.Argument(..., click_type=click.Choice(("on", "off")),
                                help="on, or off (the kill switch)"),
    percent_text: str | None = typer.Option(None, "--percent", help="With on: the share of targeting keys (0-100)."),
    reason: str | None = REASON, actor: str | None = ACTOR, backend: str | None = BACKEND,
    workspace: Path = WORKSPACE,
) -> None:
    """Turn a flag on (for everyone, or --percent of targeting keys) or off (kill switch: the code's default).

    Example: vsmctl flag flip extract.vsm-s3-control on --percent 10 --reason "canary"
    """
    percent = _percent(percent_text)
    if state == "off" and percent is not None:
        raise InputError("--percent goes with on")

    from vsmctl.flags import changes

    _apply(workspace, name, "flipped", changes.flip(name, state == "on", percent), reason, actor, backend,
           {"to": state, "percent": percent})


@app.command("set")
def set_(
    name: str = NAME,
    rule: list[str] = typer.Option(
        [], "--rule", help="'ATTR OP VALUE -> VARIANT' (OP: ==, in, starts-with, semver); repeatable, in order."
    ),
    clear_rules: bool = typer.Option(False, "--clear-rules", help="Remove all rules first."),
    percent_text: str | None = typer.Option(None, "--percent", help="Rollout share (0-100)."),
    variant: str | None = typer.Option(None, "--variant", help="The variant the rollout serves."),
    by: str | None = typer.Option(None, "--by", help="Context attribute the split hashes (default targetingKey)."),
    default: str | None = typer.Option(None, "--default", help="The default variant."),
    owner: str | None = typer.Option(None, "--owner"), description: str | None = typer.Option(None, "--description"),
    expires: str | None = typer.Option(None, "--expires", help="YYYY-MM-DD"),
    reason: str | None = REASON, actor: str | None = ACTOR, backend: str | None = BACKEND,
    workspace: Path = WORKSPACE,
) -> None:
    """Change targeting rules, the rollout, the default or the flag's details.

    Example: vsmctl flag set extract.vsm-s3-control --rule 'country in de,fr -> on' --percent 25
    """
    from vsmctl.flags import changes
    from vsmctl.flags.model import FlagError, parse_rule

    percent = _percent(percent_text)
    if expires is not None:
        _check_date(expires)
    try:
        rules = [parse_rule(r) for r in rule]
    except FlagError as exc:
        raise InputError(str(exc)) from None
    settings = changes.Settings(tuple(rules), clear_rules, percent, variant, by, default, owner, description, expires)
    if settings.empty:
        raise InputError("nothing to set: give --rule, --percent, --variant, --by, --default, --owner, ...")

    _apply(workspace, name, "updated", changes.update(name, settings), reason, actor, backend)


@app.command("list")
def list_(
    stale: bool = typer.Option(False, "--stale", help="Only flags past their expiry date."),
    as_json: bool = typer.Option(False, "--json"), workspace: Path = WORKSPACE,
) -> None:
    """The flags, what each serves, owner and expiry."""
    from vsmctl.flags.store import is_stale
    from vsmctl.render.flag_output import print_list

    flags = _store(workspace).current()
    old = {k for k, f in flags.items() if is_stale(f)}
    if stale:
        flags = {k: f for k, f in flags.items() if k in old}
    if as_json:
        emit_json({"version": 1, "flags": [{**f, "stale": k in old} for k, f in sorted(flags.items())]})
    elif not flags:
        typer.echo("no stale flags" if stale else "no flags yet (vsmctl flag create NAME)")
    else:
        print_list(stdout_console(), flags, old)
    if stale and flags:  # for CI: stale flags fail the step
        raise CheckFailed(f"{len(flags)} stale flag(s): remove them or move their --expires")


@app.command("show")
def show(name: str = NAME, as_json: bool = typer.Option(False, "--json"),
         workspace: Path = WORKSPACE) -> None:
    """A flag's definition and its last changes."""
    from vsmctl.render.flag_output import event_dict, print_flag

    store = _store(workspace)
    flag = store.get(name)
    events = store.history(name)
    if as_json:
        emit_json({"version": 1, "flag": flag, "history": [event_dict(e) for e in events]})
        return
    print_flag(stdout_console(), name, flag, events)


@app.command("eval")
def eval_(
    name: str = NAME,
    context: list[str] = typer.Option(
        [], "--context", "-c", help="k=v attributes of the evaluation context; repeatable."
    ),
    key: str | None = typer.Option(None, "--key", help="The targeting key (same as --context targetingKey=...)."),
    as_json: bool = typer.Option(False, "--json"), workspace: Path = WORKSPACE,
) -> None:
    """Evaluate a flag for a context, as running code would: value, variant, reason.

    Example: vsmctl flag eval extract.vsm-s3-control --key user-42 --context country=de
    """
    from vsmctl.flags.evaluation import evaluate

    store = _store(workspace)
    flag = store.get(name)
    ctx: dict[str, Any] = {}
    for item in context:
        k, sep, v = item.partition("=")
        if not sep or not k:
            raise InputError(f"--context: '{item}' is not k=v")
        ctx[k] = v
    if key is not None:
        ctx["targetingKey"] = key
    result = evaluate(flag, ctx, None)
    doc = {"flag": name, "value": result.value, "variant": result.variant, "reason": result.reason, "context": ctx}
    if as_json:
        emit_json(doc)
    else:
        import json

        typer.echo(f"{name} = {json.dumps(result.value)} (variant {result.variant}, reason {result.reason})")


@app.command("history")
def history(name: str | None = typer.Argument(None, help="One flag (default: all).", autocompletion=flag_names),
            as_json: bool = typer.Option(False, "--json"),
            workspace: Path = WORKSPACE) -> None:
    """Who changed which flag, when, why, and what changed (from the event log)."""
    from vsmctl.render.flag_output import event_dict, print_history

    store = _store(workspace)
    events = store.history(name)
    if name is not None and not events:
        store.get(name)  # an unknown flag: one clear error naming the known ones
    if as_json:
        emit_json({"version": 1, "events": [event_dict(e) for e in events]})
        return
    if not events:
        typer.echo("no flag changes yet")
        return
    print_history(stdout_console(), events)


@app.command("rollback")
def rollback(
    name: str = NAME,
    to: str = typer.Option(..., "--to", help="An event id (e12) or a time (2026-11-26T10:00:00Z)."),
    reason: str | None = REASON, actor: str | None = ACTOR, backend: str | None = BACKEND,
    workspace: Path = WORKSPACE,
) -> None:
    """Put a flag back as it was right after an event, or at a moment; recorded as a new event.

    Example: vsmctl flag rollback extract.vsm-s3-control --to e7 --reason "errors at 50%"
    """
    store = _store(workspace)
    from vsmctl.flags import changes

    target, event = store.state_at(name, to)
    _apply(workspace, name, "rolled_back", changes.restore(target), reason, actor, backend, {"to_event": event.id})


@app.command("export")
def export(
    fmt: str = typer.Option(..., "--format", click_type=click.Choice(EXPORT_FORMATS),
                            help="flagd definitions or an OpenFeature flag manifest."),
    output: Path | None = typer.Option(None, "--output", "-o"), workspace: Path = WORKSPACE,
) -> None:
    """Export the flags as flagd definitions or an OpenFeature flag manifest."""
    import json

    from vsmctl.flags.export import to_flagd, to_openfeature_manifest

    flags = _store(workspace).current()
    doc = to_flagd(flags) if fmt == "flagd" else to_openfeature_manifest(flags)
    if output is None:
        emit_json(doc)
    else:
        write_output(output, json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
        typer.echo(f"wrote {fmt} to {output}", err=True)


@app.command("rebuild")
def rebuild(workspace: Path = WORKSPACE) -> None:
    """Rebuild .vsm/flags.json from the event log (after it was lost or corrupted)."""
    store = _store(workspace)
    flags = store.rebuild()
    typer.echo(f"rebuilt {store.workspace.flags_path} from {store.workspace.events_path}: {len(flags)} flag(s)")


@app.command("repair-log")
def repair_log(workspace: Path = WORKSPACE) -> None:
    """Move a torn last line (a crash during an append) out of the event log, keeping a backup of the whole log."""
    repair = _store(workspace).repair_log()
    typer.echo(f"removed the incomplete line {repair.line} ({len(repair.removed)} bytes) from the event log; "
               f"the log as it was is kept in {repair.backup}; flags.json rebuilt")
