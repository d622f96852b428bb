"""`vsmctl extract` end to end on the example monolith, in real git repositories.

Every step runs the monolith's own test suite (the roadmap's test command) in a subprocess; a
step whose tests fail is undone, so a completed extraction proves the suite was green after
each step.
"""

import hashlib
import os
import signal
import subprocess
import sys

import git
import pytest
from conftest import run_cli

MONOLITH = "examples/vsm_monolith"


def tree_hash(root):
    """A hash of every file in the working tree but .git (and caches)."""
    digest = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in (".git", "__pycache__", ".pytest_cache"))
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            digest.update(os.path.relpath(path, root).encode())
            with open(path, "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()


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


@pytest.mark.parametrize("package", ["vsm-core", "vsm-telemetry", "vsm-goldrush", "vsm-rate-limiter", "vsm-config",
                                     "vsm-s3-control"])
def test_extract_in_both_modes_and_roll_back_exactly(example_repo, package):
    before = tree_hash(example_repo)
    result = extract(example_repo, "subsystem", package)
    assert result.returncode == 0, result.stdout + result.stderr
    assert_extracted(example_repo, package, ["scaffold", "move", "shim"])
    new_pkg = example_repo / "packages" / package
    assert (new_pkg / "pyproject.toml").is_file() and (new_pkg / ".github" / "workflows" / "ci.yml").is_file()
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


def test_finish_removes_old_code_when_gates_hold(example_repo):
    # strangler: the shims go
    assert extract(example_repo, "subsystem", "vsm-goldrush").returncode == 0
    result = extract(example_repo, "finish", "vsm-goldrush")
    assert result.returncode == 0, result.stderr
    assert not (example_repo / MONOLITH / "vsm" / "goldrush").exists()
    assert monolith_tests(example_repo).returncode == 0


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


def test_another_template(example_repo, tmp_path):
    import shutil

    from vsmctl.resources import templates_dir

    template = tmp_path / "org-template"
    shutil.copytree(templates_dir() / "python-package", template)
    (template / "{{package_dir}}" / "ORG_STANDARD.md").write_text("our starter template\n")
    result = extract(example_repo, "subsystem", "vsm-config", "--template", str(template))
    assert result.returncode == 0, result.stderr
    assert (example_repo / "packages" / "vsm-config" / "ORG_STANDARD.md").read_text() == "our starter template\n"


def test_bad_template_is_refused_before_anything_starts(example_repo):
    result = extract(example_repo, "subsystem", "vsm-config", "--template", str(example_repo / "no-such-template"))
    assert result.returncode == 2 and "no such folder" in result.stderr
    assert git.Repo(example_repo).active_branch.name == "main"
