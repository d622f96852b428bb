"""`vsmctl roadmap init|status|plan|gates`: starting a roadmap, bad input, and the status cache."""

from __future__ import annotations

import json
import shutil

import git
import pytest
from conftest import EXAMPLE, ROADMAP, run_cli
from postgres_server import postgres_server, postgres_url  # noqa: F401  (fixtures)


@pytest.fixture()
def bare_monolith(tmp_path):
    """The example monolith in a git repository with no roadmap."""
    repo_dir = tmp_path / "repo"
    shutil.copytree(EXAMPLE, repo_dir / "app", ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    repo = git.Repo.init(repo_dir, initial_branch="main")
    repo.git.add(A=True)
    repo.git.commit("-m", "monolith", "--author", "T <t@example.com>")
    return repo_dir


def test_init_from_the_analysis_validates_and_check_runs_on_it(bare_monolith):
    result = run_cli("roadmap", "init", "app", cwd=bare_monolith)
    assert result.returncode == 0, result.stderr
    roadmap = bare_monolith / "roadmap.yaml"
    assert f"wrote {roadmap}" in result.stdout and "phases: Wave 1" in result.stdout
    from vsmctl.roadmap.loader import load_roadmap

    loaded = load_roadmap(roadmap)
    assert loaded.monolith == "app" and loaded.test_command.endswith(" app/tests")
    assert len(loaded.packages) >= 3 and loaded.phases
    phased = [p for phase in loaded.phases for p in phase.packages]
    assert sorted(phased) == sorted(loaded.names)  # every proposed package in exactly one wave
    # the roadmap is usable at once: check runs (it may find what to fix: exit 0 or 1, never 2)
    check = run_cli("check", cwd=bare_monolith)
    assert check.returncode in (0, 1) and "Traceback" not in check.stderr, check.stderr
    status = run_cli("roadmap", "status", "--json", cwd=bare_monolith)
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["counts"]["not_started"] == len(loaded.packages)

    again = run_cli("roadmap", "init", "app", cwd=bare_monolith)
    assert again.returncode == 2 and "exists already: init never overwrites" in again.stderr


def test_init_from_the_vsm_template_points_at_this_monolith(bare_monolith):
    result = run_cli("roadmap", "init", "app", "--template", "vsm", "--output", "plan.yaml", cwd=bare_monolith)
    assert result.returncode == 0, result.stderr
    text = (bare_monolith / "plan.yaml").read_text()
    assert "monolith: app\n" in text and "test_command: python -m pytest -q -p no:cacheprovider app/tests" in text
    assert text.replace("monolith: app", "").count("vsm-s3-control") == ROADMAP.read_text().count("vsm-s3-control")
    plan = run_cli("roadmap", "plan", "--json", "--roadmap", "plan.yaml", cwd=bare_monolith)
    assert plan.returncode == 0, plan.stderr
    assert "vsmctl extract subsystem vsm-goldrush" in [s["command"] for s in json.loads(plan.stdout)["extractable_now"]]


@pytest.mark.parametrize(("args", "message"), [
    (("roadmap", "init"), "give the monolith's folder (PATH)"),
    (("roadmap", "init", "--template", "nope"), "--template: no template 'nope' (templates: vsm)"),
    (("roadmap", "init", "no-such-folder"), "no-such-folder: no such folder"),
    (("roadmap", "gates", "Nope"), "no phase 'Nope' in the roadmap (phases: Foundation, Expansion, Finalization)"),
    (("roadmap", "status", "--roadmap", "missing.yaml"), "--roadmap missing.yaml: no such file"),
])
def test_bad_input_is_one_line_and_exit_2(example_repo, args, message):
    result = run_cli(*args, cwd=example_repo)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip() == f"error: {message}" or message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def _flip(repo, percent):
    assert run_cli("flag", "flip", "f.x", "on", "--percent", str(percent), cwd=repo).returncode == 0


def test_the_status_cache_follows_the_log_and_never_outlives_it(example_repo):
    """New events are read from where the cache stopped; a log that is not the one the cache was
    made from (a branch switch, an edit) is read whole; the figures are the same either way."""
    from vsmctl.migration.facts import gather

    (example_repo / ".vsm").mkdir()
    (example_repo / ".vsm" / ".gitignore").write_text("cache/\nparallel-run.sqlite*\n")
    assert run_cli("flag", "create", "f.x", cwd=example_repo).returncode == 0
    _flip(example_repo, 10)
    assert [e.after["rollout"]["percent"] for e in gather(example_repo, with_analysis=False).flags["f.x"][1:]] == [10]
    cache = example_repo / ".vsm" / "cache" / "roadmap-status.json"
    assert cache.is_file()
    _flip(example_repo, 50)
    assert [e.after["rollout"]["percent"] for e in gather(example_repo, with_analysis=False).flags["f.x"][1:]] == \
        [10, 50]
    # another log of the same length (another branch's history): the cache must not be trusted
    log = example_repo / ".vsm" / "events.jsonl"
    log.write_text(log.read_text().replace('"percent":50.0', '"percent":70.0'))
    assert [e.after["rollout"]["percent"] for e in gather(example_repo, with_analysis=False).flags["f.x"][1:]] == \
        [10, 70]
    log.write_text("".join(log.read_text().splitlines(keepends=True)[:2]))  # truncated: e1, e2
    assert [e.after["rollout"]["percent"] for e in gather(example_repo, with_analysis=False).flags["f.x"][1:]] == [10]


def test_status_writes_nothing_git_sees(example_repo):
    for command in (("roadmap", "status", "--json"), ("roadmap", "plan"), ("roadmap", "gates")):
        assert run_cli(*command, cwd=example_repo).returncode in (0, 1)
    assert not git.Repo(example_repo).is_dirty(untracked_files=True)


def test_a_step_in_progress_is_extracting_and_a_dead_one_interrupted(tmp_path):
    """Who holds the extraction's lock decides: a live process is `extracting`, none is `interrupted`."""
    import signal

    from test_roadmap_walk import FAST_TESTS, make_repo

    from vsmctl.migration.status import migration_status
    from vsmctl.strangler import state
    from vsmctl.strangler.gitops import GitOps

    repo = make_repo(tmp_path, FAST_TESTS)
    killed = run_cli("extract", "subsystem", "vsm-goldrush", cwd=repo, env={"VSMCTL_KILL_AT": "step:move:after-apply"})
    assert killed.returncode == -signal.SIGKILL

    def goldrush():
        return next(p for p in migration_status(repo, with_analysis=False).packages if p.name == "vsm-goldrush")

    assert (goldrush().stage, goldrush().summary) == (
        "interrupted", "interrupted at step 2 of 3 (move): vsmctl extract resume vsm-goldrush")
    with state.running(GitOps(repo), "vsm-goldrush"):  # as `extract resume` holds it while it works
        now = goldrush()
        assert now.stage == "extracting"
        assert now.summary == "extracting: step 2 of 3 (move) on vsm/extract/vsm-goldrush"
        assert now.extraction is not None and now.extraction.last_event.type == "extract.scaffold"


def test_status_reads_the_fleet_store_when_one_is_configured(example_repo, postgres_url):  # noqa: F811
    """VSMCTL_PARALLEL_STORE names a PostgreSQL store: status and gates read the same figures
    `parallel-run diff` gives from it."""
    from test_postgres_store import feed

    from vsmctl.parallel.postgres_report import report
    from vsmctl.parallel.postgres_store import PostgresRecorder

    feed(PostgresRecorder(postgres_url, interval=0.05), 400, name="extract.vsm-goldrush")
    expected = report(postgres_url, "extract.vsm-goldrush")
    result = run_cli("roadmap", "status", "--json", cwd=example_repo, env={"VSMCTL_PARALLEL_STORE": postgres_url})
    assert result.returncode == 0, result.stderr
    packages = {p["name"]: p for phase in json.loads(result.stdout)["phases"] for p in phase["packages"]}
    run = packages["vsm-goldrush"]["parallel"]
    assert (run["samples"], run["match_rate"], run["latency_ratio"]) == (
        expected.samples, expected.match_rate, expected.ratio.get("p95"))
    assert packages["vsm-core"]["parallel"] is None
