"""The boundary check follows code an extraction moved into packages/: a forbidden import added
there after the move shows in `roadmap status` and holds the `violations` gate of `finish`."""

from __future__ import annotations

import json

import git
from conftest import ROADMAP, run_cli
from git_repos import monolith_repo

FAST_TESTS = "python -c \"import sys; sys.exit(0)\""
PHASES = """\
phases:
  - name: Foundation
    packages: [vsm-goldrush]
    gates: {tests: pass, violations: 0}
"""


def cli(repo, *args, expect=0):
    result = run_cli(*args, cwd=repo)
    assert result.returncode == expect, f"{args}: {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result


def goldrush_violations(repo):
    doc = json.loads(cli(repo, "roadmap", "status", "--json").stdout)
    package = next(p for phase in doc["phases"] for p in phase["packages"] if p["name"] == "vsm-goldrush")
    return package["violations"]


def test_a_forbidden_import_in_the_extracted_package_is_found_and_stops_finish(tmp_path):
    repo = tmp_path / "repo"
    text = ROADMAP.read_text()
    text = text[: text.index("phases:")] + PHASES
    text = text.replace("python -m pytest -q -p no:cacheprovider examples/vsm_monolith/tests", FAST_TESTS)
    monolith_repo(repo, text)
    cli(repo, "extract", "subsystem", "vsm-goldrush")
    assert goldrush_violations(repo) == []

    # vsm-goldrush depends on nothing: an import of System 3 from its moved code is a violation
    moved = sorted((repo / "packages" / "vsm-goldrush").rglob("vsm_goldrush/*.py"))[-1]
    moved.write_text(moved.read_text() + "\nimport vsm.s3.allocation  # added after the move\n")
    r = git.Repo(repo)
    r.git.add("-A")
    r.git.commit("-m", "goldrush reaches into System 3")
    found = goldrush_violations(repo)
    assert len(found) == 1 and found[0]["new"] is True
    assert found[0]["path"] == moved.relative_to(repo).as_posix()
    assert "vsm.s3" in found[0]["message"]
    refused = cli(repo, "extract", "finish", "vsm-goldrush", expect=1)
    assert "gate violations" in refused.stderr

    moved.write_text(moved.read_text().replace("\nimport vsm.s3.allocation  # added after the move\n", ""))
    r.git.add("-A")
    r.git.commit("-m", "goldrush depends on nothing again")
    assert goldrush_violations(repo) == []
    cli(repo, "extract", "finish", "vsm-goldrush")
