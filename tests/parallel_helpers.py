"""What the parallel-run tests share: the statuses a recorder got, and a replay workspace for the CLI."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from conftest import run_cli, write_tree


def statuses(recorder: Any) -> list[str]:
    """One status per candidate run, in recording order ("match" for a batched plain match)."""
    out = []
    for obs in recorder.observations:
        if len(obs) == 5 and isinstance(obs[2], int):
            out.append("match")
        else:
            out.extend(r.status for r in obs[4])
    return out


def replay_workspace(folder: Path, impls: str) -> Path:
    """A workspace (a `.git` folder) holding `impls.py` and `inputs.jsonl`: {"a": a, "b": b} for a, b in 0..9."""
    (folder / ".git").mkdir()
    write_tree(folder, {"impls.py": impls})
    with open(folder / "inputs.jsonl", "w") as handle:
        for a in range(10):
            for b in range(10):
                handle.write(json.dumps({"a": a, "b": b}) + "\n")
    return folder


def pr(work: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`vsmctl parallel-run ...` in the workspace, its impls importable."""
    return run_cli("parallel-run", *args, cwd=work, env={"PYTHONPATH": str(work)})
