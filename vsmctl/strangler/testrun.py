"""The monolith's test command, run in a step's worktree."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from vsmctl.strangler.plan import ExtractionPlan


@dataclass(frozen=True)
class TestRun:
    passed: bool
    output: str  # the last lines, for the error message
    seconds: float


def run_tests(tree: Path, command: str | None, plan: ExtractionPlan) -> TestRun:
    """The roadmap's test command in the tree; the new package on PYTHONPATH (a path dependency)."""
    if not command:
        return TestRun(True, "no test command in the roadmap", 0.0)
    parts = shlex.split(command)
    if parts and parts[0] in ("python", "python3"):
        parts[0] = sys.executable  # the interpreter vsmctl runs in: the monolith's environment
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    for hook in ("VSMCTL_KILL_AT", "VSMCTL_TRACE_POINTS"):
        env.pop(hook, None)  # fault injection is for vsmctl itself, not for the code under test
    env["PYTHONPATH"] = os.pathsep.join([str(tree / plan.package_dir), *filter(None, [env.get("PYTHONPATH")])])
    start = time.perf_counter()
    try:
        done = subprocess.run(parts, cwd=tree, env=env, capture_output=True, text=True, timeout=1800)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return TestRun(False, f"the test command could not run: {exc}", time.perf_counter() - start)
    output = (done.stdout + done.stderr).strip().splitlines()
    return TestRun(done.returncode == 0, "\n".join(output[-30:]), time.perf_counter() - start)
