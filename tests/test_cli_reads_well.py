"""The CLI reads well: help without escape characters, closed sets as choices, whole values in pipes,
paths relative to the repository root."""

from __future__ import annotations

import json

import click
import typer
from conftest import EXAMPLE, REPO, ROADMAP, run_cli
from typer.testing import CliRunner

from vsmctl.commands import app


def _commands(command: click.Command, path: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    yield path
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from _commands(sub, (*path, name))


def test_no_help_shows_an_escape_character() -> None:
    runner = CliRunner()
    paths = list(_commands(typer.main.get_command(app)))
    assert ("analyze", "monolith") in paths and ("flag", "flip") in paths and len(paths) > 15
    for path in paths:
        result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "100"})
        assert result.exit_code == 0, (path, result.output)
        assert "\\" not in result.output, (path, result.output)
    monolith = runner.invoke(app, ["analyze", "monolith", "--help"], env={"COLUMNS": "100"}).output
    assert "[required]" in monolith and "[default: 0]" in monolith


def test_closed_sets_fail_at_parse_time_listing_the_valid_values() -> None:
    for args, choices in ((["analyze", "monolith", str(EXAMPLE), "--format", "svg"], ("mermaid", "dot", "html")),
                          (["analyze", "monolith", str(EXAMPLE), "--language", "cobol"], ("python",)),
                          (["check", "--format", "xml"], ("human", "json", "sarif", "github"))):
        result = run_cli(*args)
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr
        assert all(c in result.stderr for c in choices), result.stderr
        assert result.stdout == ""


def test_tables_keep_whole_values_in_a_pipe_at_40_columns(tmp_path) -> None:
    result = run_cli("analyze", "monolith", str(EXAMPLE), "-r", str(ROADMAP), "--no-cache", env={"COLUMNS": "40"})
    assert result.returncode == 0, result.stderr
    out = result.stdout
    row = next(line for line in out.splitlines() if "vsm-s2-coordination" in line and "subsystems" in line)
    assert "│ vsm-s2-coordination │ subsystems" in row  # one row, nothing cut or folded
    assert "…" not in out
    proposal = run_cli("analyze", "monolith", str(EXAMPLE), "-r", str(ROADMAP), "--propose", "--no-cache",
                       env={"COLUMNS": "40"})
    assert proposal.returncode == 0, proposal.stderr
    assert any("vsm-s4-intelligence" in line and "vsm-telemetry" in line for line in proposal.stdout.splitlines())
    assert "…" not in proposal.stdout  # member lists whole too


def test_paths_are_relative_to_the_repository_root_everywhere(tmp_path) -> None:
    sub = "examples/vsm_monolith"
    analyze = run_cli("analyze", "monolith", sub, "-r", str(ROADMAP))
    assert f"{sub}/vsm/core/registry.py:10" in analyze.stdout
    # the same path from another working directory, and in JSON
    doc = json.loads(run_cli("analyze", "monolith", str(EXAMPLE), "--json", cwd=tmp_path).stdout)
    files = {s["file"] for v in doc["violations"] for s in v["sites"]}
    assert f"{sub}/vsm/core/registry.py" in files
    assert all(m["path"].startswith(f"{sub}/vsm/") for m in doc["modules"])
    check = run_cli("check", "--json", cwd=REPO / sub)
    assert f"{sub}/vsm/core/registry.py" in {f["file"] for f in json.loads(check.stdout)["new"]}
