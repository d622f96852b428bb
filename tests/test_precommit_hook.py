"""The pre-commit hook definition points at a real command."""

import yaml
from conftest import REPO, run_cli


def test_hook_definition_runs_vsmctl_check(example_repo):
    [hook] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "vsmctl-check" and hook["pass_filenames"] is False
    command = hook["entry"].split()
    assert command[0] == "vsmctl"
    # the hook's command, as pre-commit would run it in the repository
    result = run_cli(*command[1:], cwd=example_repo)
    assert result.returncode == 1 and "check failed" in result.stdout
