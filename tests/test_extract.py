"""`vsmctl extract` end to end on the example monolith, in real git repositories.

Every step runs the monolith's own test suite (the roadmap's test command) in a subprocess; a
step whose tests fail is undone, so a completed extraction proves the suite was green after
each step.
"""

import os
import signal
import subprocess
import sys

import git
import pytest
from conftest import run_cli
from git_repos import commit_all, tree_hash

MONOLITH = "examples/vsm_monolith"


def extract(repo, *args, env=None):
    return run_cli("extract", *args, cwd=repo, env=env)


def monolith_tests(repo):
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"{MONOLITH}/tests"],
                          cwd=repo, capture_output=True, text=True, timeout=300)


def assert_extracted(repo, name, steps):
    r = git.Repo(repo)
    assert r.active_branch.name == f"vsm/extract/{name}"
    messages = [c.message.splitlines()[0] for c in r.iter_commits(max_count=len(steps))][::-1]
    assert messages == [f"vsmctl extract {name}: step {i}/{len(steps)} {s}" for i, s in enumerate(steps, 1)]
    assert not r.is_dirty(untracked_files=True)
    result = monolith_tests(repo)
    assert result.returncode == 0, result.stdout[-2000:]


MATRIX = pytest.mark.extraction_matrix


# the default run keeps one package (both approaches); CI runs every package: pytest -m extraction_matrix
@pytest.mark.parametrize("package", [
    pytest.param("vsm-core", marks=MATRIX), pytest.param("vsm-telemetry", marks=MATRIX), "vsm-goldrush",
    pytest.param("vsm-rate-limiter", marks=MATRIX), pytest.param("vsm-config", marks=MATRIX),
    pytest.param("vsm-s3-control", marks=MATRIX)])
def test_extract_in_both_modes_and_roll_back_exactly(example_repo, package):
    before = tree_hash(example_repo)
    result = extract(example_repo, "subsystem", package)
    assert result.returncode == 0, result.stdout + result.stderr
    assert_extracted(example_repo, package, ["scaffold", "move", "shim"])
    new_pkg = example_repo / "packages" / package
    assert (new_pkg / "pyproject.toml").is_file() and not (new_pkg / ".github").exists()
    workflow = (example_repo / ".github" / "workflows" / f"{package}.yml").read_text()  # where CI runs it
    assert f'paths: ["packages/{package}/**"]' in workflow and f"working-directory: packages/{package}" in workflow
    assert (new_pkg / ".copier-answers.yml").is_file()  # `copier update` can bring template changes later
    assert extract(example_repo, "rollback", package).returncode == 0
    assert tree_hash(example_repo) == before  # byte for byte

    result = extract(example_repo, "subsystem", package, "--via", "abstraction")
    assert result.returncode == 0, result.stdout + result.stderr
    assert_extracted(example_repo, package, ["scaffold", "copy", "abstraction"])
    import_name = package.replace("-", "_")
    assert (new_pkg / import_name / "protocols.py").is_file()
    # the cut-over: the same suite, now served by the extracted package
    assert run_cli("flag", "flip", f"extract.{package}", "on", cwd=example_repo).returncode == 0
    result = monolith_tests(example_repo)
    assert result.returncode == 0, result.stdout[-2000:]
    git.Repo(example_repo).git.checkout("--", ".vsm")
    assert extract(example_repo, "rollback", package).returncode == 0
    assert tree_hash(example_repo) == before


def test_strangler_rewrites_importers_and_shims_old_paths(example_repo):
    assert extract(example_repo, "subsystem", "vsm-s3-control").returncode == 0
    handlers = (example_repo / MONOLITH / "vsm" / "api" / "handlers.py").read_text()
    assert "from vsm_s3_control.allocation import allocate as allocate_budget" in handlers
    reporter = (example_repo / MONOLITH / "vsm" / "telemetry" / "reporter.py").read_text()
    assert "from vsm_s3_control import audit as s3_audit" in reporter
    moved = (example_repo / "packages" / "vsm-s3-control" / "vsm_s3_control" / "control.py").read_text()
    assert "from vsm_s3_control.allocation import allocate" in moved  # its own imports follow it
    # the shim is the new module itself, and warns once
    code = ("import warnings, sys; sys.path[:0] = ['examples/vsm_monolith', 'packages/vsm-s3-control']\n"
            "with warnings.catch_warnings(record=True) as seen:\n    warnings.simplefilter('always')\n"
            "    import vsm.s3.audit\n    import vsm.s3.audit\n"
            "print([str(w.message) for w in seen if w.category is DeprecationWarning])\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=example_repo, capture_output=True, text=True).stdout
    warned = eval(out)  # the printed list
    assert warned.count("vsm.s3.audit moved to vsm_s3_control.audit; import it from there") == 1  # once
    code = ("import sys; sys.path[:0] = ['examples/vsm_monolith', 'packages/vsm-s3-control']\n"
            "import vsm.s3.audit as old, vsm_s3_control.audit as new\nprint(old is new)")
    out = subprocess.run([sys.executable, "-W", "ignore", "-c", code], cwd=example_repo, capture_output=True,
                         text=True).stdout
    assert out.strip() == "True"


@MATRIX  # the default run covers rollback and finish through tests/test_roadmap_walk.py
def test_rollback_to_a_step(example_repo):
    assert extract(example_repo, "subsystem", "vsm-goldrush").returncode == 0
    r = git.Repo(example_repo)
    scaffold = next(c for c in r.iter_commits() if c.message.startswith("vsmctl extract vsm-goldrush: step 1/3"))
    result = extract(example_repo, "rollback", "vsm-goldrush", "--to", "move")
    assert result.returncode == 0, result.stderr
    # the code is as right after the scaffold step; the log records the rollback
    assert r.git.diff(scaffold.hexsha, "HEAD", "--stat", "--", ".", ":!.vsm/events.jsonl") == ""
    assert "extract.rolled_back" in (example_repo / ".vsm" / "events.jsonl").read_text()
    assert extract(example_repo, "resume", "vsm-goldrush").returncode == 0
    messages = [c.message.splitlines()[0] for c in r.iter_commits(max_count=4)][::-1]
    assert messages == ["vsmctl extract vsm-goldrush: step 1/3 scaffold",
                        "vsmctl extract vsm-goldrush: rolled back to before move",
                        "vsmctl extract vsm-goldrush: step 2/3 move", "vsmctl extract vsm-goldrush: step 3/3 shim"]
    assert monolith_tests(example_repo).returncode == 0


@MATRIX  # the default run kills at three points of a faster extraction (below)
def test_killed_during_a_step_then_resumed(example_repo):
    proc = subprocess.Popen([sys.executable, "-m", "vsmctl", "extract", "subsystem", "vsm-config"], cwd=example_repo,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env={**os.environ, "VSMCTL_KILL_AT": "step:move:after-stage"})
    assert proc.wait(120) == -signal.SIGKILL
    r = git.Repo(example_repo)
    # the user's checkout: exactly at the scaffold step's commit, nothing half-done in it
    assert r.head.commit.message.startswith("vsmctl extract vsm-config: step 1/3 scaffold")
    assert not r.is_dirty(untracked_files=True)
    assert (example_repo / MONOLITH / "vsm" / "config" / "settings.py").is_file()
    status = run_cli("extract", "status", "vsm-config", "--json", cwd=example_repo)
    assert '"status": "interrupted"' in status.stdout
    human = run_cli("extract", "status", "vsm-config", cwd=example_repo).stdout
    assert "interrupted at step move: run `vsmctl extract resume vsm-config` or rollback" in human
    result = extract(example_repo, "resume", "vsm-config")
    assert result.returncode == 0, result.stderr
    assert_extracted(example_repo, "vsm-config", ["scaffold", "move", "shim"])


def test_a_step_whose_tests_fail_is_undone(example_repo):
    roadmap = example_repo / "roadmap.yaml"
    guard = "python -c \"import os, sys; sys.exit(not os.path.exists('examples/vsm_monolith/vsm/s5/policy.py'))\""
    old = "test_command: python -m pytest -q -p no:cacheprovider examples/vsm_monolith/tests"
    text = roadmap.read_text().replace(old, f"test_command: {guard}")
    roadmap.write_text(text)
    r = git.Repo(example_repo)
    r.git.commit("-am", "a test command that needs policy.py where it was")
    result = extract(example_repo, "subsystem", "vsm-s5-policy", "--no-shims")
    assert result.returncode == 1
    assert "the tests failed after step 'move', which was undone" in result.stderr
    assert r.head.commit.message.startswith("vsmctl extract vsm-s5-policy: step 1/2 scaffold")
    assert not r.is_dirty(untracked_files=True)
    status = run_cli("extract", "status", cwd=example_repo).stdout
    assert "interrupted at step move: run `vsmctl extract resume vsm-s5-policy` or rollback" in status


def test_refuses_dirty_tree_and_detached_head(example_repo):
    (example_repo / "scratch.txt").write_text("wip")
    result = extract(example_repo, "subsystem", "vsm-config")
    assert result.returncode == 2 and "uncommitted changes" in result.stderr
    os.unlink(example_repo / "scratch.txt")
    r = git.Repo(example_repo)
    r.git.checkout(r.head.commit.hexsha)
    result = extract(example_repo, "subsystem", "vsm-config")
    assert result.returncode == 2 and "HEAD is detached" in result.stderr
    result = extract(example_repo, "subsystem", "vsm-nothing")
    assert result.returncode == 2


def test_dry_run_writes_nothing(example_repo):
    before = tree_hash(example_repo)
    result = extract(example_repo, "subsystem", "vsm-s3-control", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "vsm.s3 -> vsm_s3_control" in result.stdout
    assert "+from vsm_s3_control.allocation import allocate as allocate_budget" in result.stdout
    assert tree_hash(example_repo) == before
    assert "vsm/extract/vsm-s3-control" not in [h.name for h in git.Repo(example_repo).heads]


@MATRIX  # the default run covers rollback and finish through tests/test_roadmap_walk.py
def test_finish_removes_old_code_when_gates_hold(example_repo):
    # strangler: the shims go
    assert extract(example_repo, "subsystem", "vsm-goldrush").returncode == 0
    result = extract(example_repo, "finish", "vsm-goldrush")
    assert result.returncode == 0, result.stderr
    assert not (example_repo / MONOLITH / "vsm" / "goldrush").exists()
    assert monolith_tests(example_repo).returncode == 0


@MATRIX  # the default run covers rollback and finish through tests/test_roadmap_walk.py
def test_finish_of_an_abstraction_waits_for_the_flag(example_repo):
    # vsm-s4-intelligence is in the Expansion phase: its gate wants the flag at 100%
    assert extract(example_repo, "subsystem", "vsm-s4-intelligence", "--via", "abstraction").returncode == 0
    result = extract(example_repo, "finish", "vsm-s4-intelligence")
    assert result.returncode == 1 and "gate flag_rollout" in result.stderr
    assert run_cli("flag", "flip", "extract.vsm-s4-intelligence", "on", cwd=example_repo).returncode == 0
    r = git.Repo(example_repo)
    r.git.add("-A")
    r.git.commit("-m", "cut over vsm-s4-intelligence")
    result = extract(example_repo, "finish", "vsm-s4-intelligence")
    assert result.returncode == 0, result.stderr
    forecast_users = (example_repo / MONOLITH / "vsm" / "s3" / "audit.py").read_text()
    assert "from vsm_s4_intelligence.forecast import forecast" in forecast_users
    assert not list((example_repo / MONOLITH / "vsm" / "s4").glob("_legacy_*"))
    assert monolith_tests(example_repo).returncode == 0


def test_another_template(fast_repo_template, tmp_path):
    import shutil

    from vsmctl.resources import templates_dir

    example_repo = _clone(fast_repo_template, tmp_path / "repo")
    template = tmp_path / "org-template"
    shutil.copytree(templates_dir() / "python-package", template)
    (template / "template" / "{{package_dir}}" / "ORG_STANDARD.md").write_text("our starter template\n")
    result = extract(example_repo, "subsystem", "vsm-config", "--template", str(template))
    assert result.returncode == 0, result.stderr
    assert (example_repo / "packages" / "vsm-config" / "ORG_STANDARD.md").read_text() == "our starter template\n"


def test_bad_template_is_refused_before_anything_starts(example_repo):
    result = extract(example_repo, "subsystem", "vsm-config", "--template", str(example_repo / "no-such-template"))
    assert result.returncode == 2 and "no such folder" in result.stderr
    assert git.Repo(example_repo).active_branch.name == "main"


# --- kills at every git operation (issue 16 item 1) ----------------------------------------------
FAST_TESTS = "python -c \"import sys; sys.exit(0)\""
KILL_PACKAGE = "vsm-s5-policy"


@pytest.fixture(scope="module")
def fast_repo_template(tmp_path_factory):
    """The example repository with a test command that takes no time: the kill matrix checks git
    and the event log, and the real suite runs in the tests above."""
    import shutil

    from conftest import EXAMPLE, ROADMAP

    repo_dir = tmp_path_factory.mktemp("fast") / "repo"
    shutil.copytree(EXAMPLE, repo_dir / MONOLITH, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    text = ROADMAP.read_text()
    old = "test_command: python -m pytest -q -p no:cacheprovider examples/vsm_monolith/tests"
    assert old in text
    (repo_dir / "roadmap.yaml").write_text(text.replace(old, f"test_command: {FAST_TESTS}"))
    commit_all(repo_dir, "the monolith")
    return repo_dir


def _clone(template, dest):
    import shutil

    shutil.copytree(template, dest, symlinks=True)
    return dest


def fingerprint(repo):
    """What an extraction left: the committed tree (the event log and flags.json by event types only,
    their times differ between runs), the commit subjects since the base, a clean checkout."""
    import json

    r = git.Repo(repo)
    assert not r.is_dirty(untracked_files=True)
    files = [line for line in r.git.ls_tree("-r", "HEAD").splitlines()
             if not line.endswith((".vsm/events.jsonl", ".vsm/flags.json"))]
    subjects = [c.summary for c in r.iter_commits("main..HEAD")][::-1]
    log = repo / ".vsm" / "events.jsonl"
    events = [json.loads(line)["type"] for line in log.read_text().splitlines()] if log.exists() else []
    return r.active_branch.name, files, subjects, events


def _status(repo):
    import json

    result = run_cli("extract", "status", "--json", cwd=repo)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["extractions"]


@pytest.fixture(scope="module")
def uninterrupted(fast_repo_template, tmp_path_factory):
    """Per approach: every fault point an uninterrupted run passes, and what it leaves."""
    runs = {}
    for via in ("strangler", "abstraction"):
        repo = _clone(fast_repo_template, tmp_path_factory.mktemp(via) / "repo")
        trace = repo.parent / "points.txt"
        result = extract(repo, "subsystem", KILL_PACKAGE, "--via", via, env={"VSMCTL_TRACE_POINTS": str(trace)})
        assert result.returncode == 0, result.stderr
        runs[via] = (trace.read_text().split(), fingerprint(repo))
    return runs


def _kill_then_recover(template, tmp_path, via, point, uninterrupted):
    points, expected = uninterrupted[via]
    assert point in points, f"{point} is not a fault point of a {via} run ({points})"
    repo = _clone(template, tmp_path / "repo")
    killed = extract(repo, "subsystem", KILL_PACKAGE, "--via", via, env={"VSMCTL_KILL_AT": point})
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    states = _status(repo)
    if not states:
        # killed before the branch existed: nothing to explain, and a rerun starts cleanly
        assert point in ("start:after-worktree", "start:after-commit")
        assert git.Repo(repo).active_branch.name == "main"
        result = extract(repo, "subsystem", KILL_PACKAGE, "--via", via)
    elif states[0]["status"] == "interrupted":
        assert "interrupted at step" in states[0]["message"]
        result = extract(repo, "resume", KILL_PACKAGE)
    else:
        assert states[0]["status"] == "done" and point.endswith("after-merge")
        result = extract(repo, "status", KILL_PACKAGE)
    assert result.returncode == 0, result.stderr
    assert fingerprint(repo) == expected  # the same tree, no duplicate commits or events


SOME_POINTS = [("strangler", "start:after-branch"), ("strangler", "step:move:after-commit"),
               ("abstraction", "step:abstraction:after-merge")]
SEQUENCES = {"strangler": ("scaffold", "move", "shim"), "abstraction": ("scaffold", "copy", "abstraction")}
ALL_POINTS = [(via, f"start:after-{what}") for via in SEQUENCES
              for what in ("worktree", "commit", "branch", "checkout")] + [
    (via, f"step:{step}:after-{what}") for via, steps in SEQUENCES.items()
    for step in steps for what in ("worktree", "apply", "stage", "commit", "merge")]


@pytest.mark.parametrize(("via", "point"), SOME_POINTS)
def test_a_kill_at_a_git_operation_resumes_to_the_same_tree(fast_repo_template, tmp_path, via, point, uninterrupted):
    _kill_then_recover(fast_repo_template, tmp_path, via, point, uninterrupted)


@MATRIX
@pytest.mark.parametrize(("via", "point"), [p for p in ALL_POINTS if p not in SOME_POINTS])
def test_a_kill_at_every_git_operation_resumes_to_the_same_tree(fast_repo_template, tmp_path, via, point,
                                                                 uninterrupted):
    _kill_then_recover(fast_repo_template, tmp_path, via, point, uninterrupted)


def test_every_fault_point_is_in_the_matrix(uninterrupted):
    for via, (points, _) in uninterrupted.items():
        assert sorted(set(points)) == sorted(p for v, p in ALL_POINTS if v == via)


# --- bad input and history (issue 16 item 8 and 9, issue 10 defect 9) -----------------------------
def test_a_package_path_outside_the_repository_is_refused_even_in_dry_run(fast_repo_template, tmp_path):
    repo = _clone(fast_repo_template, tmp_path / "repo")
    roadmap = repo / "roadmap.yaml"
    roadmap.write_text(roadmap.read_text().replace("  vsm-config:\n", "  vsm-config:\n    path: ../../escaped\n", 1))
    git.Repo(repo).git.commit("-am", "a path outside")
    for args in (("--dry-run",), ()):
        result = extract(repo, "subsystem", "vsm-config", *args)
        assert result.returncode == 2 and "packages.vsm-config.path: expected a folder inside" in result.stderr
        assert "Traceback" not in result.stderr
    assert not (tmp_path.parent / "escaped").exists() and not (tmp_path / "escaped").exists()
    assert [h.name for h in git.Repo(repo).heads] == ["main"]


def test_status_of_a_path_is_refused(fast_repo_template, tmp_path):
    repo = _clone(fast_repo_template, tmp_path / "repo")
    for command in (("status", "../../evil"), ("resume", "../evil"), ("rollback", "a..b"), ("finish", "/etc/x")):
        result = extract(repo, *command)
        assert result.returncode == 2 and "is not a package name" in result.stderr, result.stderr


def test_a_template_with_tasks_is_refused_before_anything_is_written(fast_repo_template, tmp_path):
    import shutil

    from vsmctl.resources import templates_dir

    repo = _clone(fast_repo_template, tmp_path / "repo")
    template = tmp_path / "tasks-template"
    shutil.copytree(templates_dir() / "python-package", template)
    with open(template / "copier.yml", "a") as handle:
        handle.write("_tasks:\n  - touch pwned\n")
    before = fingerprint(repo)
    result = extract(repo, "subsystem", "vsm-config", "--template", str(template))
    assert result.returncode == 2 and "_tasks" in result.stderr
    assert fingerprint(repo) == before and [h.name for h in git.Repo(repo).heads] == ["main"]
    assert not list(tmp_path.rglob("pwned"))


def test_rollback_refuses_to_drop_a_user_commit_unless_forced(fast_repo_template, tmp_path):
    repo = _clone(fast_repo_template, tmp_path / "repo")
    assert extract(repo, "subsystem", KILL_PACKAGE).returncode == 0
    (repo / "NOTES.md").write_text("my work\n")
    r = git.Repo(repo)
    r.git.add("NOTES.md")
    r.git.commit("-m", "my notes on the migration branch")
    mine = r.head.commit.hexsha
    for args in (("--to", "move"), ()):
        result = extract(repo, "rollback", KILL_PACKAGE, *args)
        assert result.returncode == 2 and mine[:8] in result.stderr and "my notes" in result.stderr
        assert r.head.commit.hexsha == mine
    result = extract(repo, "rollback", KILL_PACKAGE, "--to", "move", "--force")
    assert result.returncode == 0, result.stderr
    assert not (repo / "NOTES.md").exists()
    assert _status(repo)[0]["remaining"] == ["move", "shim"]


def test_an_ignored_vsm_folder_is_handled(fast_repo_template, tmp_path):
    repo = _clone(fast_repo_template, tmp_path / "repo")
    (repo / ".gitignore").write_text(".vsm/\n")
    r = git.Repo(repo)
    r.git.add(".gitignore")
    r.git.commit("-m", "ignore .vsm")
    result = extract(repo, "subsystem", KILL_PACKAGE, "--via", "abstraction")
    assert result.returncode == 0, result.stderr
    tracked = r.git.ls_files(".vsm").split()
    assert tracked == [".vsm/events.jsonl", ".vsm/flags.json"]  # no flags.eterm: nothing in Elixir reads it here
    assert _status(repo)[0]["status"] == "done"


def test_a_dirty_tree_is_refused_naming_the_file(fast_repo_template, tmp_path):
    # (vsmctl's own untracked .vsm/.gitignore is taken into the start commit: tests/test_extract_shapes.py)
    repo = _clone(fast_repo_template, tmp_path / "repo")
    (repo / ".vsm").mkdir()
    (repo / ".vsm" / "notes.txt").write_text("mine\n")
    result = extract(repo, "subsystem", KILL_PACKAGE)
    assert result.returncode == 2 and ".vsm/notes.txt" in result.stderr


# --- gates: typed data, evaluated to typed results -------------------------------------------------
def test_gates_evaluate_to_typed_results(tmp_path):
    from vsmctl.flags import changes
    from vsmctl.flags.store import FlagStore
    from vsmctl.gates.evaluate import evaluate
    from vsmctl.gates.evidence import gather
    from vsmctl.roadmap.model import Gates
    from vsmctl.strangler.moves import Moves
    from vsmctl.strangler.plan import ExtractionPlan
    from vsmctl.workspace import Workspace

    (tmp_path / ".git").mkdir()
    plan = ExtractionPlan("vsm-x", "vsm_x", "packages/vsm-x", ".", Moves({"a": "vsm_x"}), (), (), "abstraction",
                          "extract.vsm-x")
    store = FlagStore(Workspace(tmp_path))
    store.change(plan.flag, "created", changes.create(changes.cutover_flag(plan.flag, "vsm-x", "2026-01-01")), "t")

    def held(gates, violations=None):
        return {r.name: r.held for r in evaluate(gates, gather(tmp_path, plan.flag, gates, violations))}

    assert held(Gates(tests="pass", flag_rollout=100, soak=0)) == {"tests": True, "flag_rollout": False,
                                                                   "soak": False}
    store.change(plan.flag, "flipped", changes.flip(plan.flag, True), "t")
    assert held(Gates(flag_rollout=100, soak=0)) == {"flag_rollout": True, "soak": True}
    assert held(Gates(soak=86400)) == {"soak": False}  # at 100% for seconds, not a day
    assert held(Gates(parallel_run_match=99.9, min_samples=10)) == {"parallel_run": False}  # no observations
    assert held(Gates(violations=0), lambda: 2) == {"violations": False}
    assert held(Gates(violations=2), lambda: 2) == {"violations": True}
    assert held(Gates(api_compatible=True)) == {"api_compatible": False}  # never claimed unchecked (not compared)


def test_steps_are_a_registry_of_classes_with_plan_and_apply():
    from vsmctl.strangler.steps import REGISTRY, SEQUENCES, sequence

    assert set(REGISTRY) == {"scaffold", "move", "copy", "shim", "abstraction", "finish"}
    assert all(callable(s.plan) and callable(s.apply) for s in REGISTRY.values())
    assert sequence("strangler", no_shims=True) == ["scaffold", "move"]
    assert all(set(steps) <= set(REGISTRY) for steps in SEQUENCES.values())


# --- real project shapes (issue 10) ---------------------------------------------------------------
def commit_and_extract(repo, files, message):
    """Add `files` to the project, commit them, and extract shop-billing without shims; the result."""
    from conftest import write_tree

    write_tree(repo, files)
    r = git.Repo(repo)
    r.git.add("-A")
    r.git.commit("-m", message)
    result = extract(repo, "subsystem", "shop-billing", "--no-shims")
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def src_layout_project(root, test_command="python -m pytest -q -p no:cacheprovider"):
    """A src-layout project whose tests live outside `monolith:` and turn warnings into errors."""
    from conftest import write_tree

    write_tree(root, {
        "pyproject.toml": """
            [project]
            name = "shop"
            version = "1.0"
            requires-python = ">=3.10"

            [tool.pytest.ini_options]
            pythonpath = ["src"]
            testpaths = ["tests"]
            filterwarnings = ["error"]
            """,
        "roadmap.yaml": f"""
            monolith: src
            test_command: {test_command}
            packages:
              shop-billing:
                category: core
                modules: [shop.billing]
            """,
        "src/shop/__init__.py": "",
        "src/shop/app.py": "from shop.billing.invoice import total\n\n\ndef run():\n    return total([1, 2])\n",
        "src/shop/billing/__init__.py": "from shop.billing.invoice import total\n\n__all__ = ['total']\n",
        "src/shop/billing/invoice.py": "def total(items):\n    return sum(items)\n",
        "tests/conftest.py": "import shop.billing.invoice  # noqa: F401\n",
        "tests/test_shop.py": """
            from unittest import mock

            import shop.billing
            from shop.app import run
            from shop.billing import invoice


            def test_total():
                assert invoice.total([1, 2, 3]) == 6 and shop.billing.total([1]) == 1


            def test_run_patched():
                with mock.patch("shop.billing.invoice.total", return_value=42):
                    assert run() == 3  # app bound total at import time
            """,
        "scripts/report.py": "from shop.billing.invoice import total\n\nprint(total([1]))\n",
    })
    commit_all(root, "the shop")
    return root


def test_importers_outside_the_monolith_folder_are_rewritten(tmp_path):
    repo = src_layout_project(tmp_path / "shop")
    result = extract(repo, "subsystem", "shop-billing")
    assert result.returncode == 0, result.stdout + result.stderr
    # tests, conftest and scripts: rewritten, so nothing imports through a shim (filterwarnings = error)
    assert "from shop_billing import invoice" in (repo / "tests" / "test_shop.py").read_text()
    assert 'mock.patch("shop_billing.invoice.total"' in (repo / "tests" / "test_shop.py").read_text()
    assert "import shop_billing.invoice" in (repo / "tests" / "conftest.py").read_text()
    assert "from shop_billing.invoice import total" in (repo / "scripts" / "report.py").read_text()
    for path in repo.rglob("*.py"):
        text = path.read_text()
        if "vsmctl extract" not in text:  # not a shim itself
            assert "shop.billing" not in text, path


def test_a_package_shim_is_the_new_package_itself(tmp_path):
    repo = src_layout_project(tmp_path / "shop")
    assert extract(repo, "subsystem", "shop-billing").returncode == 0
    code = ("import sys, warnings; warnings.simplefilter('ignore'); sys.path[:0] = ['src', 'packages/shop-billing']\n"
            "from unittest import mock\n"
            "import shop.billing, shop_billing, shop.billing.invoice as old, shop_billing.invoice as new\n"
            "with mock.patch('shop.billing.invoice.total', return_value=7):\n    patched = new.total([1])\n"
            "print(shop.billing is shop_billing, old is new, patched, new.__spec__.name,\n"
            "      sorted(m for m in sys.modules if 'billing' in m))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=repo, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[0] == ("True True 7 shop_billing.invoice ['shop.billing', 'shop.billing.invoice', "
                                         "'shop_billing', 'shop_billing.invoice']")


def _venv_with_editable_install(repo, pth_line):
    """The repository's own .venv, the monolith installed in it in editable mode (a .pth naming
    the checkout's src, as hatchling and setuptools write), the test tools from vsmctl's env."""
    import sysconfig

    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(repo / ".venv")], check=True)
    site = next((repo / ".venv" / "lib").glob("python3*/site-packages"))
    (site / "test_tools.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    (site / "_shop_editable.pth").write_text(pth_line + "\n")
    (repo / ".gitignore").write_text(".venv/\n")
    r = git.Repo(repo)
    r.git.add("-A")
    r.git.commit("-m", "installed in a venv")


def test_steps_test_the_worktree_code_in_the_monolith_venv(tmp_path):
    repo = src_layout_project(tmp_path / "shop")
    pyproject = repo / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('pythonpath = ["src"]\n', ""))  # the install provides it
    _venv_with_editable_install(repo, str(repo / "src"))
    result = extract(repo, "subsystem", "shop-billing", "--no-shims")
    assert result.returncode == 0, result.stdout + result.stderr
    python = repo / ".venv" / "bin" / "python"
    worktree = repo / ".git" / "vsmctl" / "worktrees" / "shop-billing"
    assert f"with {python} (the repository's .venv)" in result.stderr
    assert f"shop from {worktree / 'src' / 'shop' / '__init__.py'}" in result.stderr
    assert f"shop_billing from {worktree / 'packages' / 'shop-billing' / 'shop_billing' / '__init__.py'}" in \
        result.stderr


def test_a_step_whose_tests_would_import_the_checkout_fails(tmp_path):
    repo = src_layout_project(tmp_path / "shop")
    # an install that puts the user's checkout before everything (PYTHONPATH included)
    _venv_with_editable_install(repo, f"import sys; sys.path.insert(0, {str(repo / 'src')!r})")
    result = extract(repo, "subsystem", "shop-billing")
    assert result.returncode == 1
    assert "imports code from outside the step's worktree (shop from " + str(repo / "src") in result.stderr
    assert git.Repo(repo).head.commit.summary == "vsmctl extract shop-billing: started (strangler)"


def test_pre_existing_failures_do_not_fail_a_step_but_new_ones_do(tmp_path):
    from conftest import write_tree

    repo = src_layout_project(tmp_path / "shop")
    write_tree(repo, {"tests/test_known.py": "def test_known_bug():\n    assert 1 + 1 == 3\n"})
    r = git.Repo(repo)
    r.git.add("-A")
    r.git.commit("-m", "a known failing test")
    result = extract(repo, "subsystem", "shop-billing")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr.count("failed before the extraction already") == 1
    assert "tests.test_known::test_known_bug" in result.stderr

    repo = src_layout_project(tmp_path / "shop2")
    write_tree(repo, {"tests/test_known.py": """
        import os


        def test_known_bug():
            assert 1 + 1 == 3


        def test_the_file_is_where_it_was():
            assert os.path.exists("src/shop/billing/invoice.py")
        """})
    r = git.Repo(repo)
    r.git.add("-A")
    r.git.commit("-m", "a known failing test and one the move breaks")
    result = extract(repo, "subsystem", "shop-billing")
    assert result.returncode == 1 and "the tests failed after step 'move'" in result.stderr
    assert r.head.commit.summary == "vsmctl extract shop-billing: step 1/3 scaffold"


def test_the_extracted_package_declares_what_it_needs(tmp_path):
    import tomllib


    repo = src_layout_project(tmp_path / "shop")
    pyproject = repo / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('requires-python = ">=3.10"\n',
                                                       'requires-python = ">=3.10"\ndependencies = ["PyYAML>=6.0"]\n'))
    commit_and_extract(repo, {
        "src/shop/util.py": "def money(x):\n    return round(x, 2)\n",
        "src/shop/billing/invoice.py": "import json\n\nimport yaml\n\nfrom shop.util import money\n\n\n"
                                       "def total(items):\n    return money(sum(items))\n",
    }, "billing uses yaml and the monolith's util")
    new = repo / "packages" / "shop-billing"
    project = tomllib.loads((new / "pyproject.toml").read_text())["project"]
    # the monolith's own specifier for yaml's distribution; the monolith (at least its version), which the
    # moved code imports
    assert project["dependencies"] == ["PyYAML>=6.0", "shop>=1.0"]
    assert project["requires-python"] == ">=3.10"
    moved_tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                                  "packages/shop-billing/tests/test_moved_modules.py"], cwd=repo, capture_output=True,
                                 text=True, env={**os.environ, "PYTHONPATH": "src:packages/shop-billing"})
    assert moved_tests.returncode == 0 and "2 passed" in moved_tests.stdout, moved_tests.stdout


def _installable_shop(root):
    repo = src_layout_project(root)
    pyproject = repo / "pyproject.toml"
    pyproject.write_text('[build-system]\nrequires = ["hatchling>=1.21"]\nbuild-backend = "hatchling.build"\n\n'
                         + pyproject.read_text().replace(
                             'requires-python = ">=3.10"\n',
                             'requires-python = ">=3.10"\n\n[project.scripts]\nshop = "shop.app:main"\n\n'
                             '[tool.hatch.build.targets.wheel]\npackages = ["src/shop"]\n'))
    app = repo / "src" / "shop" / "app.py"
    app.write_text(app.read_text() + "\n\ndef main():\n    print('total', run())\n")
    r = git.Repo(repo)
    r.git.add("-A")
    r.git.commit("-m", "an installable shop with a console script")
    return repo


def _install_and_run(repo, commit, tmp_path):
    """A fresh venv, `pip install` the monolith as of `commit` (a clean clone), run its entry point."""
    clone = tmp_path / f"clone-{commit[:8]}"
    git.Repo.clone_from(repo, clone).git.checkout(commit)
    venv = tmp_path / f"venv-{commit[:8]}"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    install = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(clone)],
                             capture_output=True, text=True, timeout=600)
    assert install.returncode == 0, install.stdout + install.stderr
    return subprocess.run([str(venv / "bin" / "shop")], capture_output=True, text=True, cwd=tmp_path,
                          env={**os.environ, "PYTHONWARNINGS": "ignore::DeprecationWarning"})


def _installs_and_runs_after_steps(tmp_path, steps_to_check):
    repo = _installable_shop(tmp_path / "shop")
    result = extract(repo, "subsystem", "shop-billing")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "shop-billing @ {root:uri}/packages/shop-billing" in (repo / "pyproject.toml").read_text()
    commits = {c.summary.rsplit(" ", 1)[-1]: c.hexsha for c in git.Repo(repo).iter_commits("main..HEAD")}
    for step in steps_to_check:
        run = _install_and_run(repo, commits[step], tmp_path)
        assert run.returncode == 0 and run.stdout == "total 3\n", (step, run.stdout + run.stderr)


@MATRIX  # a venv and a pip install (with its build) per step: a minute and more on 2 cores
def test_the_monolith_installs_and_runs_in_a_fresh_venv_after_the_extraction(tmp_path):
    _installs_and_runs_after_steps(tmp_path, ["shim"])


@MATRIX
def test_the_monolith_installs_and_runs_in_a_fresh_venv_after_every_step(tmp_path):
    _installs_and_runs_after_steps(tmp_path, ["scaffold", "move"])


ROLLBACK_POINTS = [(None, p) for p in ("rollback:after-checkout", "rollback:after-worktree", "rollback:after-commit",
                                       "rollback:after-branch")] + [
    ("move", p) for p in ("rollback:after-worktree", "rollback:after-commit", "rollback:after-reset")]


def _rollback(repo, to, env=None):
    return extract(repo, "rollback", KILL_PACKAGE, *(["--to", to] if to else []), env=env)


@pytest.fixture(scope="module")
def extracted_template(fast_repo_template, tmp_path_factory):
    repo = _clone(fast_repo_template, tmp_path_factory.mktemp("extracted") / "repo")
    assert extract(repo, "subsystem", KILL_PACKAGE).returncode == 0
    return repo


def _rollback_fingerprint(repo):
    r = git.Repo(repo)
    return fingerprint(repo), [c.summary for c in r.iter_commits(f"vsm/extract/{KILL_PACKAGE}", max_count=6)]


@pytest.mark.parametrize(("to", "point"), [
    pytest.param(to, point, marks=[] if (to, point) == ("move", "rollback:after-commit") else [MATRIX])
    for to, point in ROLLBACK_POINTS])
def test_a_kill_during_rollback_is_finished_by_rolling_back_again(extracted_template, tmp_path, to, point):
    reference = _clone(extracted_template, tmp_path / "reference")
    assert _rollback(reference, to).returncode == 0
    repo = _clone(extracted_template, tmp_path / "repo")
    assert _rollback(repo, to, env={"VSMCTL_KILL_AT": point}).returncode == -signal.SIGKILL
    states = _status(repo)
    if states[0]["status"] != "rolled_back" and states[0]["remaining"] != ["move", "shim"]:
        result = _rollback(repo, to)
        assert result.returncode == 0, result.stderr
    assert _rollback_fingerprint(repo) == _rollback_fingerprint(reference)


def test_package_data_and_odd_module_names_move_with_the_package(tmp_path):

    repo = src_layout_project(tmp_path / "shop")
    commit_and_extract(repo, {
        "src/shop/billing/py.typed": "",
        "src/shop/billing/README.md": "billing\n",
        "src/shop/billing/templates/email/invoice.txt": "Total: {total}\n",
        "src/shop/billing/migrations/0001_initial.py": "STEPS = ['create invoice']\n",
        "src/shop/billing/render.py": "from importlib.resources import files\n\n\n"
                                      "def render(total):\n"
                                      "    return (files(__package__) / 'templates' / 'email' / 'invoice.txt')"
                                      ".read_text().format(total=total)\n",
        "tests/test_render.py": "from shop.billing.render import render\n\n\n"
                                "def test_render():\n    assert render(3) == 'Total: 3\\n'\n",
    }, "package data and a migration")
    new = repo / "packages" / "shop-billing" / "shop_billing"
    for rel in ("py.typed", "README.md", "templates/email/invoice.txt", "migrations/0001_initial.py"):
        assert (new / rel).is_file(), rel
    assert not (repo / "src" / "shop" / "billing").exists()  # nothing left behind
