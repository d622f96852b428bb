"""The pre-commit hook runs a real command, leaves nothing behind in the user's repository, and the
README documents a `rev` pre-commit can use."""

import re
import shlex

import git
import yaml
from conftest import REPO, run_cli


def _hook() -> dict:
    [hook] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    return hook


def test_hook_definition_runs_vsmctl_check(example_repo):
    hook = _hook()
    assert hook["id"] == "vsmctl-check" and hook["pass_filenames"] is False
    command = shlex.split(hook["entry"])
    assert command[:2] == ["vsmctl", "check"]
    # the hook's command, as pre-commit would run it in the repository
    result = run_cli(*command[1:], cwd=example_repo)
    assert result.returncode == 1 and "check failed" in result.stdout


def test_hook_leaves_no_untracked_files_in_a_real_git_repository(example_repo):
    repo = git.Repo(example_repo)
    assert repo.git.status("--porcelain", "--untracked-files=all") == ""
    command = shlex.split(_hook()["entry"])
    for _ in range(2):  # a second commit attempt finds nothing left over either
        assert run_cli(*command[1:], cwd=example_repo).returncode == 1
        assert repo.git.status("--porcelain", "--untracked-files=all", "--ignored") == ""
    assert not (example_repo / ".vsm").exists()
    # the same command without --no-cache would have left .vsm/ behind: the test can tell
    assert run_cli("check", cwd=example_repo).returncode == 1
    assert "?? .vsm/" in repo.git.status("--porcelain")


def test_hook_reads_a_committed_baseline_and_writes_nothing(example_repo):
    repo = git.Repo(example_repo)
    assert run_cli("check", "--update-baseline", "--no-cache", cwd=example_repo).returncode == 0
    repo.git.add(A=True)
    repo.index.commit("the baseline")
    result = run_cli(*shlex.split(_hook()["entry"])[1:], cwd=example_repo)
    assert result.returncode == 0, result.stdout + result.stderr
    assert repo.git.status("--porcelain", "--untracked-files=all", "--ignored") == ""


def test_readme_snippet_pins_a_rev_that_can_exist():
    readme = (REPO / "README.md").read_text()
    snippet = re.search(r"```yaml\n(  # \.pre-commit-config\.yaml.*?)```", readme, re.S)
    assert snippet, "the README shows a .pre-commit-config.yaml snippet"
    [repo_entry] = yaml.safe_load(snippet.group(1).replace("\n  ", "\n"))["repos"]
    assert repo_entry["hooks"] == [{"id": "vsmctl-check"}]
    # no release tags exist: the snippet pins a full commit SHA (a placeholder the text explains)
    assert re.fullmatch(r"[0-9a-f]{40}", str(repo_entry["rev"])), repo_entry["rev"]
    assert "v0.1.0" not in readme and "--bleeding-edge" in readme
