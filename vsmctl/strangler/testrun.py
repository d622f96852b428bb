"""The monolith's test command, run in a step's worktree, in the monolith's environment.

Which interpreter runs a leading `python`: the one the roadmap names (`python:`, an interpreter
or a venv folder), else the repository's own `.venv`/`venv`, else `python` on PATH as the user
has it; the step's output says which. The worktree's source root and the new package go first on
PYTHONPATH, so an editable install of the monolith (a .pth pointing at the user's checkout)
cannot hand the tests the user's code instead; a probe then proves where the code came from.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from vsmctl.errors import InputError
from vsmctl.strangler.plan import ExtractionPlan

FAULT_HOOKS = ("VSMCTL_KILL_AT", "VSMCTL_TRACE_POINTS")
_PROBE = ("import importlib.util, json, sys\n"
          "out = {}\n"
          "for name in sys.argv[1:]:\n"
          "    try:\n        spec = importlib.util.find_spec(name)\n"
          "    except Exception:\n        spec = None\n"
          "    out[name] = spec.origin if spec is not None and spec.origin else None\n"
          "print(json.dumps(out))\n")


@dataclass(frozen=True)
class Interpreter:
    path: str
    source: str  # why this one: "roadmap python:", "the repository's .venv", "PATH"

    def describe(self) -> str:
        return f"{self.path} ({self.source})"


@dataclass(frozen=True)
class TestRun:
    passed: bool
    output: str  # the last lines, for the error message
    seconds: float
    interpreter: Interpreter
    origins: dict[str, str]  # module -> file the tests' environment imports it from
    failed: frozenset[str] | None = None  # pytest: the ids of the tests that failed (None: not pytest)
    ran: int | None = None  # how many tests ran (None: the runner's output does not say)


def _venv_python(folder: Path) -> Path | None:
    for candidate in (folder / "bin" / "python", folder / "Scripts" / "python.exe"):
        if candidate.is_file():
            return candidate
    return None


def find_interpreter(repo: Path, configured: str | None = None) -> Interpreter:
    if configured:
        path = Path(configured).expanduser()
        path = path if path.is_absolute() else repo / path
        found = _venv_python(path) if path.is_dir() else path
        if found is None or not found.exists():
            raise InputError(f"roadmap python: {configured}: no interpreter there")
        return Interpreter(str(found), "roadmap python:")
    for name in (".venv", "venv"):
        found = _venv_python(repo / name)
        if found is not None:
            return Interpreter(str(found), f"the repository's {name}")
    on_path = shutil.which("python") or shutil.which("python3")
    if on_path:
        return Interpreter(on_path, "PATH")
    return Interpreter(sys.executable, "vsmctl's own: no python on PATH")


def environment(tree: Path, plan: ExtractionPlan) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in FAULT_HOOKS}  # for vsmctl, not the code under test
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    first = [str(tree / plan.package_dir), str(tree / plan.source_root)]
    env["PYTHONPATH"] = os.pathsep.join([*first, *filter(None, [os.environ.get("PYTHONPATH")])])
    return env


def start_probe(tree: Path, plan: ExtractionPlan, interpreter: Interpreter) -> subprocess.Popen[str] | None:
    """The probe of where the tests' environment imports the new package and the monolith's top
    package from, started: it only looks up top-level names (nothing is imported), so it runs beside
    the test command."""
    names = sorted({plan.import_name, *(f.old_module.split(".")[0] for f in plan.files)})
    try:
        return subprocess.Popen([interpreter.path, "-c", _PROBE, *names], cwd=tree, env=environment(tree, plan),
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    except OSError:
        return None


def probe_result(process: subprocess.Popen[str] | None) -> dict[str, str]:
    if process is None:
        return {}
    try:
        stdout, _ = process.communicate(timeout=60)
        found = json.loads(stdout) if process.returncode == 0 else {}
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        found = {}
    except ValueError:
        found = {}
    return {name: origin for name, origin in found.items() if origin}


def outside(tree: Path, origins: dict[str, str]) -> dict[str, str]:
    root = tree.resolve()
    return {name: origin for name, origin in origins.items() if not Path(origin).resolve().is_relative_to(root)}


def is_pytest(parts: list[str]) -> bool:
    return bool(parts) and (Path(parts[0]).name in ("pytest", "py.test") or parts[1:3] == ["-m", "pytest"])


def junit_results(junit: Path) -> tuple[frozenset[str], int] | None:
    """(the ids (file::name) of the failed or erroring tests, how many test cases) of a pytest JUnit report."""
    import xml.etree.ElementTree as ET

    try:
        root = ET.parse(junit).getroot()
    except (OSError, ET.ParseError):
        return None
    failed, count = set(), 0
    for case in root.iter("testcase"):
        count += 1
        if case.find("failure") is not None or case.find("error") is not None:
            failed.add(f"{case.get('classname', '')}::{case.get('name', '')}")
    return frozenset(failed), count


# unittest and Django's runner ("Ran 174 tests in 61.2s"), ExUnit ("3 doctests, 10 tests, 0 failures")
_UNITTEST_RAN = re.compile(r"^Ran (\d+) tests? in ", re.MULTILINE)
_EXUNIT_RAN = re.compile(r"^(?:(\d+) doctests?, )?(\d+) tests?, \d+ failures?", re.MULTILINE)


def tests_ran(output: str) -> int | None:
    """How many tests a runner says it ran (summed over every run the command made), or None."""
    found = [int(n) for n in _UNITTEST_RAN.findall(output)]
    found += [int(doc or 0) + int(tests) for doc, tests in _EXUNIT_RAN.findall(output)]
    return sum(found) if found else None


def run_tests(tree: Path, command: str | None, plan: ExtractionPlan, interpreter: Interpreter) -> TestRun:
    """The roadmap's test command in the tree, then the probe of where the code came from."""
    import tempfile

    if not command:
        return TestRun(True, "no test command in the roadmap", 0.0, interpreter, {})
    parts = shlex.split(command)
    if plan.language != "python" and parts:  # the project's own tool (mix) runs the tests, not Python
        interpreter = Interpreter(shutil.which(parts[0]) or parts[0], "the roadmap's test_command")
    if parts and parts[0] in ("python", "python3"):
        parts[0] = interpreter.path
    pytest = is_pytest(parts)
    probing = start_probe(tree, plan, interpreter) if plan.language == "python" else None
    with tempfile.TemporaryDirectory(prefix="vsmctl-tests-") as scratch:
        junit = Path(scratch) / "junit.xml"
        start = time.perf_counter()
        try:
            # Mix runs in its project's folder (the monolith's); pytest from the repository's root
            cwd = tree if plan.language == "python" else tree / plan.source_root
            done = subprocess.run([*parts, f"--junitxml={junit}"] if pytest else parts, cwd=cwd,
                                  env=environment(tree, plan), capture_output=True, text=True, timeout=1800)
        except (OSError, subprocess.TimeoutExpired) as exc:
            probe_result(probing)
            return TestRun(False, f"the test command could not run: {exc}", time.perf_counter() - start,
                           interpreter, {})
        seconds = time.perf_counter() - start
        results = junit_results(junit) if pytest else None
        failed = results[0] if results is not None and done.returncode in (0, 1) else None
    ran = results[1] if results is not None else None if pytest else tests_ran(done.stdout + "\n" + done.stderr)
    output = "\n".join((done.stdout + done.stderr).strip().splitlines()[-30:])
    origins = probe_result(probing)
    strays = outside(tree, origins)
    if strays:
        where = ", ".join(f"{name} from {origin}" for name, origin in sorted(strays.items()))
        return TestRun(False, f"the tests' environment imports code from outside the step's worktree ({where}): "
                              "an editable install or a .pth file puts the checkout first; they tested other code",
                       seconds, interpreter, origins)
    return TestRun(done.returncode == 0, output, seconds, interpreter, origins, failed, ran)


def previous_count(tree: Path, package: str) -> tuple[str, int] | None:
    """(step, how many tests it ran) of the last step of this extraction that counted its tests, read
    from the event log of the step's worktree (the branch as it is before this step)."""
    try:
        lines = (tree / ".vsm" / "events.jsonl").read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    found = None
    for line in lines:
        if f'"{package}"' not in line:
            continue  # cheap: the package's own events only
        try:
            record = json.loads(line)
        except ValueError:
            continue
        data = record.get("data") or {}
        if data.get("package") != package:
            continue
        if record.get("type") == "extract.started":
            found = None  # an earlier attempt's counts are not this one's
        elif isinstance(data.get("tests_ran"), int) and data.get("step"):
            found = (str(data["step"]), int(data["tests_ran"]))
    return found
