"""Bad input across every command: one clear line, a non-zero exit, never an internal error.

At least 150 cases run against a real git repository holding the example monolith, a roadmap
and a flag with history. For each case: exit code 1 or 2 (never 0, never 3), stderr is one line
starting with `error:` and no traceback, the command ends within 10 s, nothing is written outside
the repository, and the event log and flags.json are byte for byte as before (no data lost).

The cases run in one interpreter (`_driver.py` below, in a subprocess) so that 150+ commands take
seconds, not minutes; each still goes through `vsmctl.commands.main`, as `python -m vsmctl` does.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from git_repos import monolith_repo

BAD_ROADMAPS = {
    "not-yaml.yaml": "packages: [unclosed\n",
    "list.yaml": "- a\n- b\n",
    "empty.yaml": "",
    "no-packages.yaml": "version: 1\nname: x\n",
    "bad-version.yaml": "version: 7\npackages: {a: {category: core}}\n",
    "unknown-key.yaml": "packages: {a: {category: core}}\nbogus: 1\n",
    "bad-category.yaml": "packages: {a: {category: nowhere}}\n",
    "bad-depends.yaml": "packages: {a: {category: core, depends_on: [ghost]}}\n",
    "self-depends.yaml": "packages: {a: {category: core, depends_on: [a]}}\n",
    "cycle-depends.yaml": "packages:\n  a: {category: core, depends_on: [b]}\n  b: {category: core, depends_on: [a]}\n",
    "upward-depends.yaml": ("categories: [core, applications]\npackages:\n  a: {category: core, depends_on: [b]}\n"
                            "  b: {category: applications}\n"),
    "bad-pattern.yaml": "packages: {a: {category: core, modules: ['a b']}}\n",
    "bad-approach.yaml": "packages: {a: {category: core, approach: teleport}}\n",
    "bad-name.yaml": "packages: {'a..b': {category: core}}\n",
    "path-outside.yaml": "packages: {a: {category: core, path: ../../evil}}\n",
    "path-absolute.yaml": "packages: {a: {category: core, path: /tmp/evil}}\n",
    "monolith-outside.yaml": "monolith: ../../..\npackages: {a: {category: core}}\n",
    "bad-gate-name.yaml": ("packages: {a: {category: core}}\nphases:\n  - name: p\n    packages: [a]\n"
                           "    gates: {flag_rolout: 100}\n"),
    "bad-gate-value.yaml": ("packages: {a: {category: core}}\nphases:\n  - name: p\n    packages: [a]\n"
                            "    gates: {parallel_run_match: lots}\n"),
    "bad-phase.yaml": "packages: {a: {category: core}}\nphases: [{packages: [a]}]\n",
    "phase-unknown-pkg.yaml": "packages: {a: {category: core}}\nphases: [{name: p, packages: [zz]}]\n",
    "alias-bomb.yaml": ('a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n'
                        'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n'
                        'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nname: *e\npackages: {a: {category: core}}\n'),
    "python-tag.yaml": "packages: !!python/object/apply:os.system ['true']\n",
    "test-command-list.yaml": "test_command: [pytest]\npackages: {a: {category: core}}\n",
    "not-utf8.yaml": "packages: {a: {category: core, description: \udcff}}\n",
}

ROADMAP_COMMANDS = [
    ["analyze", "monolith", "examples/vsm_monolith", "--roadmap", "{r}"],
    ["check", "examples/vsm_monolith", "--roadmap", "{r}"],
    ["analyze", "monolith", "examples/vsm_monolith", "--propose", "--roadmap", "{r}"],
    ["extract", "subsystem", "a", "--roadmap", "{r}", "--dry-run"],
    ["roadmap", "status", "--roadmap", "{r}"],
    ["roadmap", "plan", "--roadmap", "{r}"],
    ["roadmap", "gates", "--roadmap", "{r}"],
]

OTHER_CASES: list[list[str]] = [
    # analyze
    ["analyze", "monolith", "no/such/folder"],
    ["analyze", "monolith", "roadmap.yaml"],
    ["analyze", "monolith", "examples/vsm_monolith", "--roadmap", "missing.yaml"],
    ["analyze", "monolith", "examples/vsm_monolith", "--format", "png"],
    ["analyze", "monolith", "examples/vsm_monolith", "--json", "--format", "dot"],
    ["analyze", "monolith", "examples/vsm_monolith", "--output", "x.dot"],
    ["analyze", "monolith", "examples/vsm_monolith", "--write"],
    ["analyze", "monolith", "examples/vsm_monolith", "--packages", "3"],
    ["analyze", "monolith", "examples/vsm_monolith", "--propose", "--packages", "0"],
    ["analyze", "monolith", "examples/vsm_monolith", "--propose", "--packages", "many"],
    ["analyze", "monolith", "examples/vsm_monolith", "--propose", "--format", "dot"],
    ["analyze", "monolith", "examples/vsm_monolith", "--language", "cobol"],
    ["analyze", "monolith", "examples/vsm_monolith", "--format", "dot", "-o", "no/such/dir/g.dot"],
    ["analyze", "monolith", "examples", "--language", "elixir"],
    ["analyze", "monolith", "docs-empty"],
    ["analyze", "monolith"],
    ["analyze", "nothing"],
    ["analyze", "score", "examples/vsm_monolith"],
    ["analyze", "score", "examples/vsm_monolith", "--reference", "missing.json", "--propose"],
    ["analyze", "score", "examples/vsm_monolith", "--reference", "list.json", "--propose"],
    ["analyze", "score", "examples/vsm_monolith", "--reference", "garbage.json", "--propose"],
    ["analyze", "score", "examples/vsm_monolith", "--reference", "ref.json"],
    ["analyze", "score", "examples/vsm_monolith", "--reference", "ref.json", "--partition", "list.json"],
    ["analyze", "score", "examples/vsm_monolith", "--reference", "other.json", "--propose"],
    # check
    ["check", "no/such/folder", "--roadmap", "roadmap.yaml"],
    ["check", "examples/vsm_monolith", "--roadmap", "roadmap.yaml", "--format", "xml"],
    ["check", "examples/vsm_monolith", "--roadmap", "roadmap.yaml", "--format", "sarif", "-o", "no/dir/x.sarif"],
    ["check", "examples/vsm_monolith", "--roadmap", "missing.yaml"],
    ["check", "examples/vsm_monolith", "--roadmap", "roadmap.yaml", "--language", "cobol"],
    ["check", "--bogus-option"],
    # flags
    ["flag", "create", "f1"],
    ["flag", "create", "new-flag", "--type", "colour"],
    ["flag", "create", "new-flag", "--type", "string"],
    ["flag", "create", "new-flag", "--variants", "on"],
    ["flag", "create", "new-flag", "--variants", "=true"],
    ["flag", "create", "new-flag", "--type", "number", "--variants", "a=x"],
    ["flag", "create", "new-flag", "--type", "json", "--variants", "a={nope"],
    ["flag", "create", "new-flag", "--expires", "soon"],
    ["flag", "create", "new-flag", "--expires", "2001-01-01"],
    ["flag", "create", "new-flag", "--expires", "2026-02-30"],
    ["flag", "create", "bad\x07name"],
    ["flag", "create", "new-flag", "--default", "maybe"],
    ["flag", "flip", "ghost", "on"],
    ["flag", "flip", "f1", "sideways"],
    ["flag", "flip", "f1", "on", "--percent", "abc"],
    ["flag", "flip", "f1", "on", "--percent", "101"],
    ["flag", "flip", "f1", "on", "--percent", "-5"],
    ["flag", "flip", "f1", "off", "--percent", "10"],
    ["flag", "flip", "f1"],
    ["flag", "set", "ghost", "--percent", "10"],
    ["flag", "set", "f1"],
    ["flag", "set", "f1", "--rule", "nonsense"],
    ["flag", "set", "f1", "--rule", "country ~= de -> on"],
    ["flag", "set", "f1", "--rule", "country in de -> nowhere"],
    ["flag", "set", "f1", "--rule", "v semver >=x.y -> on"],
    ["flag", "set", "f1", "--percent", "150"],
    ["flag", "set", "f1", "--variant", "nowhere"],
    ["flag", "set", "f1", "--default", "nowhere"],
    ["flag", "set", "f1", "--expires", "yesterday"],
    ["flag", "show", "ghost"],
    ["flag", "eval", "ghost"],
    ["flag", "eval", "f1", "--context", "novalue"],
    ["flag", "eval", "f1", "--context", "=x"],
    ["flag", "history", "ghost"],
    ["flag", "rollback", "f1", "--to", "e999"],
    ["flag", "rollback", "f1", "--to", "not-a-time"],
    ["flag", "rollback", "f1", "--to", "1999-01-01T00:00:00Z"],
    ["flag", "rollback", "ghost", "--to", "e1"],
    ["flag", "rollback", "f1"],
    ["flag", "export", "--format", "yaml"],
    ["flag", "export"],
    ["flag", "export", "--format", "flagd", "-o", "no/such/dir/f.json"],
    ["flag", "list", "--workspace", "no/such/folder"],
    ["flag", "list", "--workspace", "roadmap.yaml"],
    ["flag", "unknown-subcommand"],
    # parallel runs
    ["parallel-run", "diff", "ghost"],
    ["parallel-run", "diff", "ghost", "--since", "forever"],
    ["parallel-run", "diff", "ghost", "--database", "roadmap.yaml"],
    ["parallel-run", "diff", "ghost", "--store", "mysql://x"],
    ["parallel-run", "diff", "ghost", "--store", "postgresql://127.0.0.1:1/none"],
    ["parallel-run", "diff", "ghost", "--html", "no/such/dir/r.html"],
    ["parallel-run", "gate", "ghost", "--min-match", "99"],
    ["parallel-run", "gate", "ghost", "--min-match", "lots"],
    ["parallel-run", "gate", "ghost", "--min-match", "120"],
    ["parallel-run", "gate", "ghost", "--min-samples", "-1"],
    ["parallel-run", "gate", "ghost", "--max-latency-ratio", "0"],
    ["parallel-run", "gate", "ghost"],
    ["parallel-run", "run", "exp"],
    ["parallel-run", "run", "exp", "--inputs", "missing.jsonl", "--control", "a:b", "--candidate", "a:c"],
    ["parallel-run", "run", "exp", "--inputs", "garbage.json", "--control", "a:b", "--candidate", "a:c"],
    ["parallel-run", "run", "exp", "--inputs", "inputs.jsonl", "--control", "nocolon", "--candidate", "a:c"],
    ["parallel-run", "run", "exp", "--inputs", "inputs.jsonl", "--control", "no_such_mod:f", "--candidate", "a:c"],
    ["parallel-run", "run", "exp", "--inputs", "inputs.jsonl", "--control", "json:loads"],
    ["parallel-run", "run", "exp", "--inputs", "inputs.jsonl", "--control", "json:loads", "--candidate", "json:loads",
     "--concurrency", "0"],
    ["parallel-run", "run", "exp", "--inputs", "inputs.jsonl", "--control-url", "ftp://x", "--candidate",
     "json:loads"],
    ["parallel-run", "run", "exp", "--inputs", "inputs.jsonl", "--control", "json:loads", "--control-cmd", "cat",
     "--candidate", "json:loads"],
    # extraction
    ["extract", "subsystem", "ghost-package"],
    ["extract", "subsystem", "vsm-s3-control", "--via", "magic"],
    ["extract", "subsystem", "vsm-s3-control", "--template", "no/such/template"],
    ["extract", "subsystem", "vsm-s3-control", "--monolith", "no/such/folder", "--dry-run"],
    ["extract", "subsystem", "vsm-s3-control", "--roadmap", "missing.yaml"],
    ["extract", "subsystem", "vsm-s3-control", "--workspace", "/"],
    ["extract", "subsystem", "../../evil"],
    ["extract", "subsystem", "a..b"],
    ["extract", "status", "../../evil"],
    ["extract", "status", "ghost-package"],
    ["extract", "status", "a..b"],
    ["extract", "resume", "ghost-package"],
    ["extract", "resume", "../x"],
    ["extract", "rollback", "ghost-package"],
    ["extract", "rollback", "vsm-s3-control", "--to", "teleport"],
    ["extract", "finish", "ghost-package"],
    ["extract", "finish", "vsm-s3-control"],
    # roadmap
    ["roadmap", "init", "examples/vsm_monolith"],
    ["roadmap", "init", "examples/vsm_monolith", "--template", "nope", "-o", "new.yaml"],
    ["roadmap", "init", "no/such/folder", "-o", "new.yaml"],
    ["roadmap", "init", "examples/vsm_monolith", "-o", "no/such/dir/r.yaml"],
    ["roadmap", "init", "examples/vsm_monolith", "--packages", "0", "-o", "new.yaml"],
    ["roadmap", "status", "--roadmap", "missing.yaml"],
    ["roadmap", "status", "--html", "no/such/dir/d.html"],
    ["roadmap", "status", "--workspace", "no/such/folder"],
    ["roadmap", "gates", "no-such-phase"],
    ["roadmap", "plan", "--roadmap", "missing.yaml"],
    # the root
    ["--bogus"],
    ["no-such-command"],
]

DRIVER = r'''
import contextlib, io, json, os, signal, sys, time
from vsmctl.commands import main

results = []
for argv in json.loads(sys.stdin.read()):
    err = io.StringIO()
    out = io.StringIO()
    sys.argv = ["vsmctl", *argv]
    code = None
    started = time.monotonic()
    def timeout(signum, frame):
        raise TimeoutError("took more than 10 s")
    signal.signal(signal.SIGALRM, timeout)
    signal.alarm(10)
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
            main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except TimeoutError:
        code = "hang"
    except BaseException as exc:
        code = f"escaped {type(exc).__name__}: {exc}"
    finally:
        signal.alarm(0)
    results.append({"argv": argv, "code": code, "stderr": err.getvalue(), "seconds": time.monotonic() - started})
print(json.dumps(results))
'''


def _cases() -> list[list[str]]:
    cases = [[part.replace("{r}", f"bad/{name}") for part in command]
             for name in BAD_ROADMAPS for command in ROADMAP_COMMANDS[:3]]
    cases += [[part.replace("{r}", f"bad/{name}") for part in command]
              for name in list(BAD_ROADMAPS)[:8] for command in ROADMAP_COMMANDS[3:]]
    return cases + OTHER_CASES


CASES = _cases()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "absent"


def _listing(folder: Path, skip: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if skip not in p.parents and p != skip}


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    base = tmp_path_factory.mktemp("bad-input")
    repo_dir = base / "repo"
    repo = monolith_repo(repo_dir)
    (repo_dir / "docs-empty").mkdir()
    (repo_dir / "bad").mkdir()
    for name, text in BAD_ROADMAPS.items():
        (repo_dir / "bad" / name).write_bytes(text.encode("utf-8", "surrogateescape"))
    (repo_dir / "list.json").write_text("[1, 2]\n")
    (repo_dir / "garbage.json").write_text("{not json\n")
    (repo_dir / "ref.json").write_text(json.dumps({"vsm.s3.audit": "vsm.s3"}))
    (repo_dir / "other.json").write_text(json.dumps({"elsewhere.module": "x"}))
    (repo_dir / "inputs.jsonl").write_text('"1"\n"2"\n')
    repo.git.add(A=True)
    repo.index.commit("bad inputs")
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    for args in (["flag", "create", "f1", "--owner", "t"], ["flag", "flip", "f1", "on", "--percent", "10"]):
        subprocess.run([sys.executable, "-m", "vsmctl", *args], cwd=repo_dir, env=env, check=True,
                       capture_output=True)
    repo.git.add(A=True)
    repo.index.commit("a flag")
    data = {p: _digest(repo_dir / ".vsm" / p) for p in ("events.jsonl", "flags.json")}
    outside = _listing(base, repo_dir)
    done = subprocess.run([sys.executable, "-c", DRIVER], cwd=repo_dir, env=env, input=json.dumps(CASES),
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    results = {json.dumps(r["argv"]): r for r in json.loads(done.stdout)}
    results["__after__"] = {
        "data": {p: _digest(repo_dir / ".vsm" / p) for p in ("events.jsonl", "flags.json")}, "before": data,
        "outside_before": sorted(outside), "outside_after": sorted(_listing(base, repo_dir)),
        "status": repo.git.status("--porcelain"),
    }
    return results


def test_there_are_at_least_150_cases_over_every_command():
    assert len(CASES) >= 150
    commands = {" ".join(c[:2]) if c[0] in ("analyze", "flag", "parallel-run", "extract", "roadmap") else c[0]
                for c in CASES}
    for expected in ("analyze monolith", "analyze score", "check", "flag create", "flag flip", "flag set",
                     "flag show", "flag eval", "flag history", "flag rollback", "flag export", "flag list",
                     "parallel-run run", "parallel-run diff", "parallel-run gate", "extract subsystem",
                     "extract status", "extract resume", "extract rollback", "extract finish", "roadmap init",
                     "roadmap status", "roadmap plan", "roadmap gates"):
        assert expected in commands, expected


@pytest.mark.parametrize("argv", CASES, ids=[" ".join(c)[:80] for c in CASES])
def test_bad_input_is_one_clear_line(outcomes, argv):
    result = outcomes[json.dumps(argv)]
    assert result["code"] in (1, 2), result
    lines = result["stderr"].strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result["stderr"]
    assert "Traceback" not in result["stderr"] and "internal error" not in result["stderr"]


def test_nothing_written_outside_and_no_data_lost(outcomes):
    after = outcomes["__after__"]
    assert after["data"] == after["before"]
    assert after["outside_after"] == after["outside_before"]
