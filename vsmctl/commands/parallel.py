"""`vsmctl parallel-run ...`: replay inputs against old and new, compare, gate the cutover."""

from __future__ import annotations

from pathlib import Path

import typer

from vsmctl.commands.common import emit_json, progress_bar, stdout_console, write_output
from vsmctl.errors import CheckFailed, InputError

app = typer.Typer(help="Parallel runs: old and new side by side, compared; the gate before a cutover.",
                  no_args_is_help=True)

DATABASE = typer.Option(None, "--database", help="Observations (default: .vsm/parallel-run.sqlite of the workspace).")
STORE = typer.Option(None, "--store", help="Where observations are: postgresql://... or a SQLite file "
                     "(default: env VSMCTL_PARALLEL_STORE, else --database).")


def _database(database: Path | None) -> Path:
    if database is not None:
        return database
    from vsmctl.workspace import Workspace

    return Workspace.at(".").vsm_dir / "parallel-run.sqlite"


def _store(store: str | None, database: Path | None) -> str | Path:
    """--store, else VSMCTL_PARALLEL_STORE (unless --database is given), else the SQLite database."""
    from vsmctl.parallel.store_choice import configured_store

    if store is not None and database is not None:
        raise InputError("give --store or --database, not both")
    chosen = store or (configured_store() if database is None else None)
    if chosen is None:
        return _database(database)
    from vsmctl.parallel.store_choice import is_postgres_url

    return chosen if is_postgres_url(chosen) else Path(chosen)


@app.command("run")
def run(
    experiment: str = typer.Argument(..., help="The experiment's name, e.g. s3.allocate"),
    inputs: Path = typer.Option(..., "--inputs", help="Recorded inputs: one JSON value a line."),
    control: str | None = typer.Option(None, "--control", help="pkg.module:function"),
    control_cmd: str | None = typer.Option(
        None, "--control-cmd", help="A shell command: JSON on stdin, answer on stdout."
    ),
    control_url: str | None = typer.Option(None, "--control-url", help="An HTTP service: the input is POSTed as JSON."),
    candidate: str | None = typer.Option(None, "--candidate"),
    candidate_cmd: str | None = typer.Option(None, "--candidate-cmd"),
    candidate_url: str | None = typer.Option(None, "--candidate-url"),
    secondary: str | None = typer.Option(None, "--secondary", help="A second control: its differences are noise."),
    secondary_cmd: str | None = typer.Option(None, "--secondary-cmd"),
    secondary_url: str | None = typer.Option(None, "--secondary-url"),
    concurrency: int = typer.Option(1, "--concurrency", "-j", help="Inputs replayed at once."),
    unordered: bool = typer.Option(False, "--unordered", help="Lists are equal with the same items in any order."),
    float_tolerance: float = typer.Option(
        0.0, "--float-tolerance", help="Numbers are equal within this relative (and absolute) difference, e.g. 1e-9."
    ),
    database: Path | None = DATABASE,
    store: str | None = STORE,
) -> None:
    """Replay recorded inputs against the control and the candidate, and record the observations.

    Example: vsmctl parallel-run run s3.allocate --inputs inputs.jsonl --control vsm.s3.allocation:allocate
    --candidate vsm_s3_control.allocation:allocate
    """
    from vsmctl.parallel.replay import make_target, read_inputs, replay

    control_t = make_target(control, control_cmd, control_url, "control")
    candidate_t = make_target(candidate, candidate_cmd, candidate_url, "candidate")
    if control_t is None or candidate_t is None:
        raise InputError("give a control and a candidate (--control/--control-cmd/--control-url, --candidate...)")
    secondary_t = make_target(secondary, secondary_cmd, secondary_url, "secondary")
    payloads = read_inputs(inputs)
    db = _store(store, database)
    from vsmctl.parallel.store_reports import sources

    if "code" in sources(db, experiment):  # one name, one source: replays never mix with live observations
        raise InputError(f"experiment '{experiment}' already has observations recorded in code; replay under "
                         f"another name (e.g. {experiment}.replay)")
    if float_tolerance < 0:
        raise InputError(f"--float-tolerance must not be negative, not {float_tolerance:g}")
    compare = None
    if unordered or float_tolerance:
        from vsmctl.parallel.comparing import tolerant

        compare = tolerant(unordered=unordered, rel_tol=float_tolerance, abs_tol=float_tolerance)
    with progress_bar() as progress:
        summary = replay(experiment, payloads, control_t, candidate_t, secondary_t, str(db), concurrency, progress,
                         compare)
    from vsmctl.parallel.store_reports import describe

    typer.echo(f"{experiment}: replayed {summary.inputs} input(s) in {summary.seconds:.1f} s into {describe(db)}; "
               f"see `vsmctl parallel-run diff {experiment}`")


@app.command("diff")
def diff(
    experiment: str | None = typer.Argument(None, help="One experiment (default: all)."),
    since: str | None = typer.Option(None, "--since", help="Only observations since a time or a duration (30m, 2h)."),
    as_json: bool = typer.Option(False, "--json"),
    html: Path | None = typer.Option(None, "--html", help="Also write a self-contained HTML report."),
    database: Path | None = DATABASE,
    store: str | None = STORE,
) -> None:
    """Per experiment: match rate, mismatches grouped by the fields that differ, exceptions, latency."""
    from vsmctl.parallel.report import parse_since
    from vsmctl.parallel.store_reports import describe, experiments, refuse_mixed, report
    from vsmctl.render.parallel_output import print_report, report_dict, to_html

    db = _store(store, database)
    moment = parse_since(since)
    names = [experiment] if experiment else experiments(db)
    if experiment and experiment not in experiments(db):
        raise InputError(f"no observations for experiment '{experiment}' in {describe(db)}")
    for name in names:
        refuse_mixed(db, name)
    reports = [report(db, name, moment) for name in names]
    if html is not None:
        write_output(html, to_html(reports))
    if as_json:
        emit_json({"version": 1, "experiments": [report_dict(r) for r in reports]})
        return
    console = stdout_console()
    if not reports:
        console.print("no experiments recorded yet")
    for rep in reports:
        print_report(console, rep)


@app.command("gate")
def gate(
    experiment: str = typer.Argument(...),
    min_match: float | None = typer.Option(None, "--min-match", help="Least match rate, in percent."),
    max_latency_ratio: float | None = typer.Option(None, "--max-latency-ratio", help="Most candidate/control p95."),
    min_samples: int | None = typer.Option(None, "--min-samples", help="Least number of samples."),
    since: str | None = typer.Option(None, "--since"),
    as_json: bool = typer.Option(False, "--json"),
    database: Path | None = DATABASE,
    store: str | None = STORE,
) -> None:
    """Exit 0 only when every threshold holds: what roadmap gates and CI call before a cutover.

    Example: vsmctl parallel-run gate s3.allocate --min-match 99.9 --max-latency-ratio 1.2 --min-samples 1000
    """
    from vsmctl.parallel.report import parse_since
    from vsmctl.parallel.store_reports import gate as run_gate
    from vsmctl.parallel.store_reports import refuse_mixed
    from vsmctl.render.parallel_output import print_gate, report_dict

    db = _store(store, database)
    refuse_mixed(db, experiment)
    result = run_gate(db, experiment, min_match, max_latency_ratio, min_samples, parse_since(since))
    if result.report.samples == 0:  # not "match rate 0.0%": there is nothing to judge
        raise CheckFailed(f"no observations for {experiment}" + (f" since {since}" if since else ""))
    if as_json:
        emit_json({"version": 1, "passed": result.passed,
                   "checks": [{"name": n, "held": h, "detail": d} for n, h, d in result.checks],
                   "report": report_dict(result.report)})
    else:
        print_gate(stdout_console(), result)
    if not result.passed:
        raise CheckFailed(f"gate not met for {experiment}")
