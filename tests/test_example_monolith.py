"""The example monolith is real: its own test suite passes, run the way roadmap.yaml says."""

import shlex
import subprocess
import sys

from conftest import REPO, ROADMAP

from vsmctl.roadmap.loader import load_roadmap


def test_example_monolith_suite_passes_with_the_roadmap_test_command():
    command = shlex.split(load_roadmap(ROADMAP).test_command)
    assert command[0] == "python"
    result = subprocess.run([sys.executable, *command[1:]], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout
