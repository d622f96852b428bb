"""`vsmctl extract` on the Elixir example monolith, in real git repositories, with Debian's mix.

Every step runs the roadmap's `mix test` in the step's worktree (a failing step is undone), so a
completed extraction proves the suite was green after each step; here each step's commit is also
checked out and booted (`Application.ensure_all_started`) and asked for its status.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import git
import git_repos
import pytest
import yaml
from conftest import require_tool, run_cli

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "vsm_monolith_ex"
MONOLITH = "examples/vsm_monolith_ex"
MATRIX = pytest.mark.extraction_matrix
BOOT = ("{:ok, _} = Application.ensure_all_started(:vsm_phoenix); "
        "IO.puts(\"answer: \" <> VsmPhoenix.status().identity)")


@pytest.fixture()
def mix():
    return require_tool("mix", "apt-get install elixir (Debian's Elixir and Erlang/OTP)")


def make_repo(root: Path, namespaces: dict[str, str] | None = None) -> Path:
    """A git repository with the Elixir example in a subfolder and its roadmap at the root."""
    shutil.copytree(EXAMPLE, root / MONOLITH, ignore=shutil.ignore_patterns("_build", "deps", ".elixir_ls"))
    roadmap = yaml.safe_load((EXAMPLE / "roadmap.yaml").read_text(encoding="utf-8"))
    roadmap["monolith"] = MONOLITH
    for package, namespace in (namespaces or {}).items():
        roadmap["packages"][package]["namespace"] = namespace
    (root / "roadmap.yaml").write_text(yaml.safe_dump(roadmap, sort_keys=False), encoding="utf-8")
    git_repos.commit_all(root, "the Elixir monolith")
    return root


def tree_hash(root: Path) -> str:
    """Every file's bytes but git's and what mix makes in the checkout (and .gitignore leaves out)."""
    return git_repos.tree_hash(root, (".git", "_build", "deps"))


def extract(repo, *args, env=None):
    result = run_cli("extract", *args, cwd=repo, env=env)
    return result


def step_commits(repo: Path, name: str) -> dict[str, str]:
    r = git.Repo(repo)
    found = {}
    for commit in r.iter_commits(f"vsm/extract/{name}"):
        for line in commit.message.splitlines():
            if line.startswith("vsmctl-step: "):
                found.setdefault(line.split(": ", 1)[1], commit.hexsha)
    return found


def boots_and_answers(repo: Path, commit: str, tmp_path: Path) -> str:
    """The monolith at `commit` starts (all its applications, the packages' too) and answers."""
    tree = tmp_path / f"boot-{commit[:8]}"
    git.Repo(repo).git.worktree("add", "--detach", str(tree), commit)
    try:
        done = subprocess.run(["mix", "run", "--no-start", "-e", BOOT], cwd=tree / MONOLITH, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        return done.stdout
    finally:
        git.Repo(repo).git.worktree("remove", "--force", str(tree))


def assert_steps_boot(repo: Path, name: str, steps: list[str], tmp_path: Path) -> None:
    commits = step_commits(repo, name)
    assert list(commits)[::-1][-len(steps):] == steps or set(steps) <= set(commits)
    for step in steps:
        assert "answer: vsm-phoenix" in boots_and_answers(repo, commits[step], tmp_path)


def events(repo: Path, kind: str) -> list[dict]:
    import json

    lines = (repo / ".vsm" / "events.jsonl").read_text(encoding="utf-8").splitlines()
    return [e["data"] for e in map(json.loads, lines) if e["type"] == kind]


def mix_test(repo: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["mix", "test"], cwd=repo / MONOLITH, capture_output=True, text=True, timeout=600)


# --- strangler fig, renamed to the package's namespace ---------------------------------------------
def test_strangler_moves_renames_shims_finishes_and_rolls_back_exactly(mix, tmp_path):
    repo = make_repo(tmp_path / "repo", {"vsm-telemetry": "VsmTelemetry"})
    before = tree_hash(repo)
    result = extract(repo, "subsystem", "vsm-telemetry")
    assert result.returncode == 0, result.stderr
    assert_steps_boot(repo, "vsm-telemetry", ["scaffold", "move", "shim"], tmp_path)

    mono, package = repo / MONOLITH, repo / "packages" / "vsm-telemetry"
    assert '{:vsm_telemetry, path: "../../packages/vsm-telemetry"}' in (mono / "mix.exs").read_text()
    assert 'version: @version' in (package / "mix.exs").read_text()
    metrics = (package / "lib" / "vsm_telemetry" / "metrics.ex").read_text()
    assert metrics.startswith("defmodule VsmTelemetry.Metrics do")
    instrument = (package / "lib" / "vsm_telemetry" / "instrument.ex").read_text()
    assert "VsmTelemetry.Metrics.gauge(" in instrument  # inside the macro's quote too
    # every kind of reference followed the rename, the rest of each line as it was
    app = (mono / "lib" / "vsm_phoenix" / "application.ex").read_text()
    assert "alias VsmPhoenix.{Config, Goldrush}\n  alias VsmTelemetry, as: Telemetry\n" in app
    assert "Telemetry.Metrics,\n" in app and "&Telemetry.Metrics.incr/1" in app  # child spec and capture
    control = (mono / "lib" / "vsm_phoenix" / "s3" / "control.ex").read_text()
    assert "require VsmTelemetry.Instrument\n  alias VsmTelemetry.Instrument\n" in control
    assert "metrics: VsmTelemetry.Metrics.snapshot()" in (mono / "lib" / "vsm_phoenix.ex").read_text()
    move_diff = git.Repo(repo).git.diff(f"{step_commits(repo, 'vsm-telemetry')['move']}~1",
                                        step_commits(repo, "vsm-telemetry")["move"], "--numstat", "--", MONOLITH)
    for row in move_diff.splitlines():
        added, removed, path = row.split("\t")
        if path.endswith("console.ex"):
            assert (added, removed) == ("1", "1")  # one name on one line: nothing else moved
    # the old names remain, as deprecated delegations to the new modules
    shim = (mono / "lib" / "vsm_phoenix" / "telemetry" / "metrics.ex").read_text()
    assert shim.startswith("defmodule VsmPhoenix.Telemetry.Metrics do")
    assert '@deprecated "use VsmTelemetry.Metrics.incr/2"\n  defdelegate incr(a1, a2), to: VsmTelemetry.Metrics' in shim
    assert "defdelegate child_spec(a1), to: VsmTelemetry.Metrics" in shim and "handle_call" not in shim
    macro_shim = (mono / "lib" / "vsm_phoenix" / "telemetry" / "instrument.ex").read_text()
    assert "defmacro measure(a1, a2)" in macro_shim
    shim_events = events(repo, "extract.move")
    assert any("supervision tree keeps starting VsmTelemetry.Metrics" in n for n in shim_events[0]["notes"])
    old_names = subprocess.run(["mix", "run", "--no-start", "-e",
                                "Application.ensure_all_started(:vsm_phoenix); "
                                "IO.puts(VsmPhoenix.Telemetry.Metrics.incr(:probe, 3))"],
                               cwd=mono, capture_output=True, text=True, timeout=300)
    assert old_names.stdout.strip().endswith("3"), old_names.stderr[-1500:]

    finished = extract(repo, "finish", "vsm-telemetry")
    assert finished.returncode == 0, finished.stderr
    assert not (mono / "lib" / "vsm_phoenix" / "telemetry").exists()
    assert mix_test(repo).returncode == 0

    rolled = extract(repo, "rollback", "vsm-telemetry")
    assert rolled.returncode == 0, rolled.stderr
    assert git.Repo(repo).active_branch.name == "main"
    assert tree_hash(repo) == before


# --- branch by abstraction ---------------------------------------------------------------------------
def test_abstraction_routes_each_call_by_the_flag_and_rolls_back_exactly(mix, tmp_path):
    repo = make_repo(tmp_path / "repo")
    before = tree_hash(repo)
    result = extract(repo, "subsystem", "vsm-config", "--via", "abstraction")
    assert result.returncode == 0, result.stderr
    assert_steps_boot(repo, "vsm-config", ["scaffold", "copy", "abstraction"], tmp_path)
    mono, package = repo / MONOLITH, repo / "packages" / "vsm-config"
    assert (package / "lib" / "vsm_config" / "store.ex").read_text().startswith("defmodule VsmConfig.Store do")
    behaviour = (package / "lib" / "vsm_config" / "store" / "behaviour.ex").read_text()
    # the callbacks are what the rest of the monolith calls (S5 policy, the rate limiter, the tests)
    assert "@callback get(term()) :: term()" in behaviour and "@callback put(term(), term()) :: term()" in behaviour
    assert "start_link" not in behaviour
    legacy = (mono / "lib" / "vsm_phoenix" / "config" / "store" / "legacy.ex").read_text()
    assert legacy.startswith("defmodule VsmPhoenix.Config.Store.Legacy do")
    facade = (mono / "lib" / "vsm_phoenix" / "config" / "store.ex").read_text()
    assert "@behaviour VsmConfig.Store.Behaviour" in facade and 'Vsmctl.Flags.enabled?(@flag)' in facade
    assert '{flag, <<"extract.vsm-config"/utf8>>, enabled, false, [], none}.' in (
        repo / ".vsm" / "flags.eterm").read_text()

    which = ("Application.ensure_all_started(:vsm_phoenix); "
             "IO.puts(inspect({VsmPhoenix.Config.Store.implementation(), VsmPhoenix.Config.Store.get(:rate), "
             "VsmPhoenix.status().identity}))")

    def serving():
        done = subprocess.run(["mix", "run", "--no-start", "-e", which], cwd=mono, capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout.strip().splitlines()[-1]

    assert serving() == '{VsmPhoenix.Config.Store.Legacy, 5, "vsm-phoenix"}'
    flipped = run_cli("flag", "flip", "extract.vsm-config", "on", cwd=repo)
    assert flipped.returncode == 0, flipped.stderr
    assert "{10000, <<\"targetingKey\"/utf8>>, true}" in (repo / ".vsm" / "flags.eterm").read_text()
    assert serving() == '{VsmConfig.Store, 5, "vsm-phoenix"}'  # the next call, no restart, no deploy
    assert mix_test(repo).returncode == 0
    git.Repo(repo).git.checkout("--", ".vsm")

    rolled = extract(repo, "rollback", "vsm-config")
    assert rolled.returncode == 0, rolled.stderr
    assert tree_hash(repo) == before


def test_dry_run_writes_nothing_and_shows_the_diff(mix, tmp_path):
    repo = make_repo(tmp_path / "repo")
    before = tree_hash(repo)
    result = extract(repo, "subsystem", "vsm-config", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "packages/vsm-config/lib/vsm_phoenix/config/store.ex" in result.stdout
    assert tree_hash(repo) == before and git.Repo(repo).active_branch.name == "main"


def test_killed_during_a_step_then_resumed(mix, tmp_path):
    repo = make_repo(tmp_path / "repo")
    proc = subprocess.run([sys.executable, "-m", "vsmctl", "extract", "subsystem", "vsm-config"], cwd=repo,
                          capture_output=True, text=True, env={**os.environ, "VSMCTL_KILL_AT": "step:move:after-stage"},
                          timeout=300)
    assert proc.returncode < 0
    assert (repo / MONOLITH / "lib" / "vsm_phoenix" / "config" / "store.ex").is_file()  # the move is not in
    resumed = extract(repo, "resume", "vsm-config")
    assert resumed.returncode == 0, resumed.stderr
    assert (repo / "packages" / "vsm-config" / "lib" / "vsm_phoenix" / "config" / "store.ex").is_file()
    assert mix_test(repo).returncode == 0


def test_a_package_that_needs_the_monolith_to_compile_is_refused_naming_the_line(tmp_path):
    repo = make_repo(tmp_path / "repo")
    result = extract(repo, "subsystem", "vsm-s2-coordination", "--dry-run")
    assert result.returncode == 2
    assert "VsmPhoenix.S2.Coordination needs VsmPhoenix.Core.Subsystem while it compiles" in result.stderr
    assert "extract the package of VsmPhoenix.Core.Subsystem first" in result.stderr


def test_abstraction_of_a_module_with_a_named_ets_table_is_refused_before_anything_is_written(tmp_path):
    repo = make_repo(tmp_path / "repo")
    before = tree_hash(repo)
    result = extract(repo, "subsystem", "vsm-telemetry", "--via", "abstraction")
    assert result.returncode == 2
    where = f"{MONOLITH}/lib/vsm_phoenix/telemetry/metrics.ex:26"
    assert f"{where}: VsmPhoenix.Telemetry.Metrics creates the named ETS table :vsm_metrics" in result.stderr
    assert tree_hash(repo) == before and git.Repo(repo).active_branch.name == "main"


# --- the matrix: a core package, then a subsystem on top of it, in both modes --------------------------
@MATRIX
@pytest.mark.parametrize("via", ["strangler", "abstraction"])
def test_core_then_a_subsystem(mix, tmp_path, via):
    repo = make_repo(tmp_path / "repo", {"vsm-s5-policy": "VsmS5Policy"})
    before = tree_hash(repo)
    for name, mode in (("vsm-core", "strangler"), ("vsm-s5-policy", via)):
        result = extract(repo, "subsystem", name, "--via", mode)
        assert result.returncode == 0, result.stderr
        steps = ["scaffold", "move", "shim"] if mode == "strangler" else ["scaffold", "copy", "abstraction"]
        assert_steps_boot(repo, name, steps, tmp_path)
    package_mix = (repo / "packages" / "vsm-s5-policy" / "mix.exs").read_text()
    assert '{:vsm_core, path: "../vsm-core"}' in package_mix  # compiled after the core it uses
    assert mix_test(repo).returncode == 0
    for name in ("vsm-s5-policy", "vsm-core"):  # the subsystem's base is the core's branch
        rolled = extract(repo, "rollback", name)
        assert rolled.returncode == 0, rolled.stderr
    assert tree_hash(repo) == before


def test_copier_update_brings_a_new_template_version_into_an_elixir_package(mix, tmp_path):
    """The Elixir package records its template source and version, as the Python one does."""
    repo = make_repo(tmp_path / "repo", {"vsm-telemetry": "VsmTelemetry"})
    home = {"VSMCTL_TEMPLATES_HOME": str(tmp_path / "templates")}
    result = extract(repo, "subsystem", "vsm-telemetry", "--no-shims", env=home)
    assert result.returncode == 0, result.stderr
    package = repo / "packages" / "vsm-telemetry"
    answers = yaml.safe_load((package / ".copier-answers.yml").read_text())
    template = tmp_path / "templates" / "elixir-package"
    assert answers["_src_path"] == str(template) and answers["_commit"].endswith(".post0")
    assert answers["module_name"] == "VsmTelemetry"

    git_repos.assert_copier_update_brings_a_new_template_version(repo, package, template)
