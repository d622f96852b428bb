"""`vsmctl roadmap` walks a whole phase of the example monolith, in a real git repository.

Two packages, one per approach: vsm-goldrush (strangler fig) and vsm-s4-intelligence (branch by
abstraction). At every point `roadmap status --json` and `roadmap plan --json` are asserted, and
the walk runs the very commands `plan` says to run next: extract, a killed step and its resume,
a rollback and the fresh start after it, the flag through 10% -> 50% -> 100% with a parallel
run recorded in between, `roadmap gates` failing then passing, and `finish`.

The default run uses a test command that takes no time (the steps' git and event-log work is
what this test is about; test_extract.py runs the monolith's suite after every step); the
`extraction_matrix` run walks the same phase with the monolith's real suite.
"""

from __future__ import annotations

import json
import shlex
import signal
import textwrap

import git
import pytest
from conftest import ROADMAP, run_cli
from git_repos import monolith_repo

REAL_TESTS = "python -m pytest -q -p no:cacheprovider examples/vsm_monolith/tests"
FAST_TESTS = "python -c \"import sys; sys.exit(0)\""
STRANGLER, ABSTRACTION = "vsm-goldrush", "vsm-s4-intelligence"
FLAG = f"extract.{ABSTRACTION}"
PHASES = """\
phases:
  - name: Foundation
    description: one package per approach
    packages: [vsm-goldrush, vsm-s4-intelligence]
    gates: {tests: pass, flag_rollout: 100, parallel_run_match: 99, min_samples: 20}
"""

# Records a parallel run in code, as the application would: the old code serves, the new runs beside it.
RECORD = textwrap.dedent("""
    import sys
    sys.path[:0] = ["examples/vsm_monolith", "packages/vsm-goldrush", "packages/vsm-s4-intelligence"]
    from vsmctl.parallel import Experiment, default_recorder
    import vsm.app  # the application first: its own import order
    from vsm.s4._legacy_forecast import forecast as old_forecast
    from vsm_s4_intelligence.forecast import forecast as new_forecast
    import vsm.goldrush.patterns as old_patterns, vsm_goldrush.patterns as new_patterns
    from vsm_goldrush.events import Event
    for i in range(int(sys.argv[1])):
        with Experiment("extract.vsm-s4-intelligence", order="control-first") as e:
            e.control(old_forecast, [1.0, 2.0, float(i)])
            e.candidate(new_forecast, [1.0, 2.0, float(i)])
            e.run()
        event = Event("alert", {"level": i % 3})
        with Experiment("extract.vsm-goldrush", order="control-first") as e:
            e.control(lambda: old_patterns.Pattern("alert", {"level": 1}).matches(event))
            e.candidate(lambda: new_patterns.Pattern("alert", {"level": 1}).matches(event))
            e.run()
    default_recorder().flush()
""")


def make_repo(tmp_path, test_command):
    repo_dir = tmp_path / "repo"
    text = ROADMAP.read_text()
    text = text.replace(f"test_command: {REAL_TESTS}", f"test_command: {test_command}")
    text = text.replace("  vsm-s4-intelligence:\n", "  vsm-s4-intelligence:\n    approach: abstraction\n", 1)
    text = text[: text.index("phases:")] + PHASES
    monolith_repo(repo_dir, text)
    return repo_dir


def cli(repo, *args, env=None, expect=0):
    result = run_cli(*args, cwd=repo, env=env)
    assert result.returncode == expect, f"{args}: {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result


def status(repo):
    doc = json.loads(cli(repo, "roadmap", "status", "--json").stdout)
    return {p["name"]: p for phase in doc["phases"] for p in phase["packages"]}, doc


def plan(repo):
    doc = json.loads(cli(repo, "roadmap", "plan", "--json").stdout)
    return doc, {s["name"]: s for s in doc["in_progress"]}, {s["name"]: s for s in doc["extractable_now"]}


def gates(repo, expect):
    doc = json.loads(cli(repo, "roadmap", "gates", "Foundation", "--json", expect=expect).stdout)
    assert doc["held"] is (expect == 0)
    return {p["name"]: {g["name"]: g for g in p["gates"]} for p in doc["packages"]}


def run_command(repo, command, env=None, expect=0):
    """Run a command `roadmap plan` printed, as a user would paste it."""
    words = shlex.split(command)
    assert words[0] == "vsmctl"
    return cli(repo, *words[1:], env=env, expect=expect)


def record_parallel_run(repo, calls):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", RECORD, str(calls)], cwd=repo, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr


def walk(repo):
    # 0. nothing started: both packages can go now, with the command to start each
    packages, doc = status(repo)
    assert doc["counts"]["not_started"] == len(packages) and doc["current_phase"] == "Foundation"
    assert packages[STRANGLER]["summary"] == "not started" and packages[STRANGLER]["modules"] == 5
    _, in_progress, now = plan(repo)
    assert not in_progress
    assert now[STRANGLER]["command"] == f"vsmctl extract subsystem {STRANGLER}"
    assert now[ABSTRACTION]["command"] == f"vsmctl extract subsystem {ABSTRACTION} --via abstraction"
    unmet = gates(repo, expect=1)
    assert unmet[STRANGLER]["extracted"]["held"] is False

    # 1. strangler fig: extracted with shims; a rollback makes it not started (and extractable) again
    run_command(repo, now[STRANGLER]["command"])
    packages, _ = status(repo)
    goldrush = packages[STRANGLER]
    assert goldrush["stage"] == "extracted" and goldrush["summary"] == "extracted with shims at the old paths"
    assert goldrush["extraction"]["done"] == 3 and goldrush["extraction"]["total"] == 3
    assert goldrush["extraction"]["branch"] == f"vsm/extract/{STRANGLER}"
    assert goldrush["extraction"]["last_event"]["type"] == "extract.shim"
    cli(repo, "extract", "rollback", STRANGLER)
    packages, _ = status(repo)
    assert packages[STRANGLER]["stage"] == "not_started" and "rolled back" in packages[STRANGLER]["summary"]
    _, in_progress, now = plan(repo)
    assert STRANGLER in now and STRANGLER not in in_progress
    run_command(repo, now[STRANGLER]["command"])
    _, in_progress, now = plan(repo)
    assert in_progress[STRANGLER]["command"] == (f"vsmctl parallel-run gate extract.{STRANGLER} --min-match 99 "
                                                 "--min-samples 20")
    assert ABSTRACTION in now and STRANGLER not in now

    # 2. branch by abstraction, killed in the middle of a step: interrupted, and plan says resume
    killed = run_command(repo, now[ABSTRACTION]["command"], env={"VSMCTL_KILL_AT": "step:copy:after-stage"},
                         expect=-signal.SIGKILL)
    assert killed.returncode == -signal.SIGKILL
    packages, _ = status(repo)
    s4 = packages[ABSTRACTION]
    assert s4["stage"] == "interrupted" and s4["extraction"]["next_step"] == "copy"
    assert s4["summary"] == f"interrupted at step 2 of 3 (copy): vsmctl extract resume {ABSTRACTION}"
    _, in_progress, _ = plan(repo)
    assert in_progress[ABSTRACTION]["command"] == f"vsmctl extract resume {ABSTRACTION}"
    run_command(repo, in_progress[ABSTRACTION]["command"])
    packages, _ = status(repo)
    s4 = packages[ABSTRACTION]
    assert s4["stage"] == "extracted" and s4["rollout"]["percent"] == 0 and s4["extraction"]["done"] == 3
    assert s4["extraction"]["last_event"]["type"] == "extract.abstraction"
    unmet = gates(repo, expect=1)
    assert unmet[ABSTRACTION]["flag_rollout"]["held"] is False and unmet[ABSTRACTION]["flag_rollout"]["value"] == 0

    # 3. the rollout ladder, a parallel run recorded at each rung
    for percent in (10, 50, 100):
        _, in_progress, _ = plan(repo)
        assert in_progress[ABSTRACTION]["command"] == f"vsmctl flag flip {FLAG} on --percent {percent}"
        run_command(repo, in_progress[ABSTRACTION]["command"])
        git.Repo(repo).git.commit("-am", f"{FLAG} at {percent}%")  # the flag's events are history too
        record_parallel_run(repo, 15)
        packages, _ = status(repo)
        s4 = packages[ABSTRACTION]
        assert s4["stage"] == "cut_over" and s4["summary"] == f"cut over at {percent}%"
        assert [p for _, p in s4["rollout"]["history"]][-1] == percent
        runs = {1: 15, 2: 30, 3: 45}[(10, 50, 100).index(percent) + 1]
        assert s4["parallel"]["samples"] == runs and s4["parallel"]["match_rate"] == 100.0
        assert s4["parallel"]["latency_ratio"] is not None
        assert packages[STRANGLER]["parallel"]["samples"] == runs
        if percent < 100:
            unmet = gates(repo, expect=1)
            assert unmet[ABSTRACTION]["flag_rollout"]["value"] == percent
            # `extract finish` judges with the same evaluator
            refused = cli(repo, "extract", "finish", ABSTRACTION, expect=1)
            assert f"gate flag_rollout: {FLAG} serves the new package to {percent}%" in refused.stderr
    assert [p for _, p in s4["rollout"]["history"]] == [0, 10, 50, 100]
    # the match rate at each rollout step: the observations recorded while the flag was there
    assert [(n, rate) for _, n, rate in s4["parallel"]["timeline"]] == [(0, 0.0), (15, 100.0), (15, 100.0),
                                                                       (15, 100.0)]

    # 4. every gate holds, with its figure; plan says finish
    held = gates(repo, expect=0)
    assert held[ABSTRACTION]["flag_rollout"]["value"] == 100
    assert held[ABSTRACTION]["min_samples"]["value"] == 45 and held[STRANGLER]["parallel_run_match"]["value"] == 100
    _, in_progress, _ = plan(repo)
    assert in_progress[ABSTRACTION]["command"] == f"vsmctl extract finish {ABSTRACTION}"
    assert in_progress[STRANGLER]["command"] == f"vsmctl extract finish {STRANGLER}"

    # 5. finish both, from where the user is: the strangler's branch is carried forward to the
    # abstraction's (extracted on top of it), no checkout or merge by hand
    r = git.Repo(repo)
    assert not r.is_dirty(untracked_files=True)  # status, plan and gates wrote nothing
    run_command(repo, in_progress[ABSTRACTION]["command"])
    packages, _ = status(repo)
    assert packages[ABSTRACTION]["stage"] == "finished" and packages[STRANGLER]["stage"] == "extracted"
    assert r.active_branch.name == f"vsm/extract/{ABSTRACTION}"
    r.git.checkout("main")  # a branch without the strangler's steps: refused, nothing moves
    refused = run_command(repo, in_progress[STRANGLER]["command"], expect=2)
    assert f"check out vsm/extract/{STRANGLER} first (you are on main" in refused.stderr
    r.git.checkout(f"vsm/extract/{ABSTRACTION}")
    run_command(repo, in_progress[STRANGLER]["command"])
    assert r.active_branch.name == f"vsm/extract/{STRANGLER}"
    assert r.is_ancestor(f"vsm/extract/{ABSTRACTION}", "HEAD")  # the abstraction's finish is kept
    packages, doc = status(repo)
    assert packages[STRANGLER]["stage"] == packages[ABSTRACTION]["stage"] == "finished"
    assert packages[ABSTRACTION]["extraction"]["done"] == packages[ABSTRACTION]["extraction"]["total"] == 4
    assert next(p for p in doc["phases"] if p["name"] == "Foundation")["finished"] is True
    finished, in_progress, _ = plan(repo)
    assert set(finished["finished"]) == {STRANGLER, ABSTRACTION} and not in_progress
    return repo


def test_a_whole_phase_walked_by_the_plan(tmp_path):
    walk(make_repo(tmp_path, FAST_TESTS))


@pytest.mark.extraction_matrix
def test_a_whole_phase_walked_by_the_plan_with_the_real_suite(tmp_path):
    walk(make_repo(tmp_path, REAL_TESTS))
