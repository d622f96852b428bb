"""Usage errors on one line, closed sets of `flag` and `extract` as choices, shell completion of flag
keys and roadmap packages, whole values in `flag` tables and the parallel-run report."""

from __future__ import annotations

import json
import re

import git
import pytest
from conftest import REPO, ROADMAP, run_cli, write_tree

from vsmctl.roadmap.loader import load_roadmap


@pytest.fixture()
def repo(tmp_path):
    """A real git repository with three flags, made through the CLI."""
    git.Repo.init(tmp_path, initial_branch="main")
    for key in ("extract.alpha", "billing.beta", "extract.gamma"):
        assert run_cli("flag", "create", key, "--actor", "Test <t@example.com>", cwd=tmp_path).returncode == 0
    return tmp_path


USAGE_ERRORS = [
    (("flag", "flip", "extract.alpha", "maybe"), ("'on'", "'off'")),
    (("flag", "create", "x", "--type", "bool"), ("'boolean'", "'string'", "'number'", "'json'")),
    (("flag", "export", "--format", "yaml"), ("'flagd'", "'openfeature-json'")),
    (("extract", "subsystem", "vsm-core", "--via", "magic"), ("'strangler'", "'abstraction'")),
    (("check", "--format", "xml"), ("'human'", "'sarif'")),
    (("flag", "flip"), ("missing argument 'NAME'",)),
    (("analyze", "monolith"), ("missing argument 'PATH'",)),
    (("parallel-run", "run", "x", "--inputs", "in.jsonl", "-j", "abc"), ("'abc' is not a valid integer",)),
    (("flag", "list", "--stale", "--bogus"), ("no such option", "--bogus")),
    (("nonsense",), ("no such command 'nonsense'",)),
]


@pytest.mark.parametrize(("args", "expected"), USAGE_ERRORS, ids=[" ".join(a) for a, _ in USAGE_ERRORS])
def test_a_usage_error_is_one_line_with_exit_2(repo, args, expected):
    result = run_cli(*args, cwd=repo)
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    [line] = result.stderr.splitlines()  # no usage block, no "Try ... for help." line
    assert line.startswith("error: ") and "Usage:" not in line and "Traceback" not in line
    assert all(e in line for e in expected), line
    assert re.search(r"\(see vsmctl( [a-z-]+)* --help\)$", line), line


def test_percent_that_is_no_number_is_vsmctls_own_one_line_error(repo):
    result = run_cli("flag", "flip", "extract.alpha", "on", "--percent", "abc", cwd=repo)
    assert result.returncode == 2
    assert result.stderr == "error: --percent must be a number from 0 to 100, not 'abc'\n"


def test_help_lists_the_closed_sets():
    assert "[on|off]" in run_cli("flag", "flip", "--help").stdout.replace("{", "[").replace("}", "]")
    assert "boolean|string|number|json" in run_cli("flag", "create", "--help").stdout
    assert "flagd|openfeature-json" in run_cli("flag", "export", "--help").stdout
    assert "strangler|abstraction" in run_cli("extract", "subsystem", "--help").stdout


def complete(words: str, cwd):
    """What bash completion offers for the command line `words` (the last word being typed)."""
    parts = words.split(" ")
    result = run_cli(cwd=cwd, env={"_VSMCTL_COMPLETE": "complete_bash", "COMP_WORDS": words,
                                   "COMP_CWORD": str(len(parts) - 1)})
    assert result.returncode == 0 and result.stderr == "", result.stderr
    return result.stdout.split()


def test_flag_keys_complete_from_the_workspaces_flags(repo, tmp_path_factory):
    assert complete("vsmctl flag flip ext", repo) == ["extract.alpha", "extract.gamma"]
    assert complete("vsmctl flag history ", repo) == ["billing.beta", "extract.alpha", "extract.gamma"]
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    assert complete(f"vsmctl flag show -w {repo} bil", elsewhere) == ["billing.beta"]
    assert complete("vsmctl flag show ", elsewhere) == []  # no flags there: nothing offered, no error
    assert complete("vsmctl flag flip extract.alpha ", repo) == ["on", "off"]


def test_roadmap_packages_complete_from_the_roadmap(tmp_path):
    names = load_roadmap(ROADMAP).names
    wanted = [n for n in names if n.startswith("vsm-s")]
    assert len(wanted) >= 5
    assert complete("vsmctl extract subsystem vsm-s", REPO) == wanted
    assert complete(f"vsmctl extract subsystem -r {ROADMAP} vsm-s", tmp_path) == wanted
    assert complete("vsmctl extract subsystem x --via ", REPO) == ["strangler", "abstraction"]
    assert complete("vsmctl extract rollback ", REPO) == list(names)
    write_tree(tmp_path, {"roadmap.yaml": "packages: [broken\n"})
    assert complete("vsmctl extract subsystem ", tmp_path) == []  # a roadmap that does not load


def test_flag_tables_keep_whole_values_in_a_pipe_at_80_columns(repo):
    actor = "Nadia Constantinescu-Featherstonehaugh <nadia.constantinescu@platform-engineering.example.org>"
    key = "extract.alpha"
    reason = "canary [bold]for[/] the [link=https://x.example]EU region[/link] only, after the incident review"
    flip = run_cli("flag", "flip", key, "on", "--percent", "10", "--reason", reason, "--actor", actor, cwd=repo)
    assert flip.returncode == 0, flip.stderr
    run_cli("flag", "set", "extract.gamma", "--owner", "platform-team-with-a-long-name", "--expires", "2099-12-31",
            "--actor", actor, cwd=repo)
    events = json.loads(run_cli("flag", "history", "--json", cwd=repo).stdout)["events"]
    history = run_cli("flag", "history", cwd=repo, env={"COLUMNS": "80"})
    assert history.returncode == 0, history.stderr
    lines = history.stdout.splitlines()
    assert max(len(line) for line in lines) > 80  # as wide as the values, not cut to the terminal
    assert "…" not in history.stdout
    row = next(line for line in lines if "flipped" in line)
    when = events[3]["time"][:19].replace("T", " ")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", when)
    for value in (events[3]["id"], when, actor, key, reason):  # reason: markup printed as text
        assert value in row, (value, row)
    listing = run_cli("flag", "list", cwd=repo, env={"COLUMNS": "80"}).stdout
    assert "…" not in listing
    row = next(line for line in listing.splitlines() if "extract.gamma" in line)
    assert "platform-team-with-a-long-name" in row and "2099-12-31" in row


LONG = '''
def old(x):
    return {"path": "/srv/data/" + "segment/" * 12 + str(x), "n": x}

def new(x):
    return {"path": "/srv/data/" + "segment/" * 12 + str(x + 1), "n": x}
'''


def test_parallel_run_report_keeps_whole_values_and_shares_the_graph_pages_look(tmp_path):
    (tmp_path / ".git").mkdir()
    write_tree(tmp_path, {"impls.py": LONG, "inputs.jsonl": "".join(f"{i}\n" for i in range(5))})
    env = {"PYTHONPATH": str(tmp_path), "COLUMNS": "80"}
    run = run_cli("parallel-run", "run", "long", "--inputs", "inputs.jsonl", "--control", "impls:old",
                  "--candidate", "impls:new", cwd=tmp_path, env=env)
    assert run.returncode == 0, run.stderr
    diff = run_cli("parallel-run", "diff", "long", "--html", "report.html", cwd=tmp_path, env=env)
    assert diff.returncode == 0, diff.stderr
    assert "…" not in diff.stdout
    control = "/srv/data/" + "segment/" * 12
    row = next(line for line in diff.stdout.splitlines() if "│ $.path" in line)
    assert control in row and row.index(control) < row.rindex(control)  # control and candidate, both whole
    page = (tmp_path / "report.html").read_text()
    css = (REPO / "vsmctl" / "render" / "assets" / "graph_page.css").read_text()
    assert css in page and '<header><h1 id="title">' in page and '<section id="tables">' in page
    assert control in page and "<script" not in page


def test_unplaced_modules_of_a_proposal_are_listed_whole_outside_a_terminal(tmp_path):
    import dataclasses
    import io

    from rich.console import Console

    from vsmctl.propose.service import propose_boundaries
    from vsmctl.render.proposal_output import MAX_LIST, print_proposal

    modules = {f"app/m{i}.py": f"X = {i}\n" for i in range(MAX_LIST + 4)}
    write_tree(tmp_path, {"app/__init__.py": "", "app/core.py": "from app import m1\n", **modules})
    graph, proposal = propose_boundaries(tmp_path / "app", None, None, 0, True, (), False, None)
    # a proposal that leaves every plain module unplaced (the real one places them by folder)
    unplaced = tuple(sorted(m for m in graph.modules if m.startswith("app.m")))
    proposal = dataclasses.replace(proposal, unassigned=unplaced)
    for terminal, whole in ((False, True), (True, False)):
        out = io.StringIO()
        console = Console(file=out, force_terminal=terminal, width=80, no_color=True, soft_wrap=True)  # as vsmctl's
        print_proposal(console, proposal, graph)
        text = re.sub(r"\x1b\[[0-9;]*m", "", out.getvalue())  # a terminal gets bold codes
        line = next(line for line in text.splitlines() if line.startswith("Unplaced"))
        assert (", ".join(unplaced) in line) is whole, line
        assert ("…" in line) is not whole
