"""Shared helpers for the benchmark scripts: fetch real projects from PyPI, time processes, record results."""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Outside the repository: inside it, the projects would share vsmctl's own workspace and cache.
WORK = Path(os.environ.get("VSMCTL_BENCH_DIR", Path(tempfile.gettempdir()) / "vsmctl-bench"))
BENCHMARKS_MD = ROOT / "BENCHMARKS.md"

# Pinned so that figures recorded in BENCHMARKS.md can be reproduced.
PROJECTS = {"sympy": "sympy==1.14.0", "django": "django==5.2.19"}


def precompile() -> None:
    """Byte-compile vsmctl as `pip install` does: an editable checkout under
    PYTHONDONTWRITEBYTECODE (set on this machine) would otherwise recompile every module in every
    measured process, which no installed user pays."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "vsmctl")], check=True)


def fetch(name: str) -> Path:
    """Download a project's wheel from PyPI (no dependencies) and unpack it; returns its site folder."""
    site = WORK / name / "site"
    if (site / name).is_dir():
        return site
    (WORK / name).mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(WORK / name),
                    PROJECTS[name]], check=True)
    [wheel] = list((WORK / name).glob("*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(site)
    return site


@dataclass
class Run:
    seconds: float
    max_rss_mb: float


def run_process(argv: list[str], cwd: Path | None = None, env: dict[str, str] | None = None,
                ok_codes: tuple[int, ...] = (0,)) -> Run:
    """Wall time and peak resident memory of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, env={**os.environ, **(env or {})},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode not in ok_codes:
        raise RuntimeError(f"{' '.join(argv)} failed ({proc.returncode}): {err[-2000:]}")
    return Run(elapsed, usage.ru_maxrss / 1024)


def median_run(runs: list[Run]) -> Run:
    return Run(statistics.median(r.seconds for r in runs), max(r.max_rss_mb for r in runs))


def record(section: str, body: str) -> None:
    """Replace (or add) one section of BENCHMARKS.md, between its markers."""
    start, end = f"<!-- {section}:start -->", f"<!-- {section}:end -->"
    text = BENCHMARKS_MD.read_text() if BENCHMARKS_MD.exists() else "# Benchmarks\n"
    block = f"{start}\n{body.rstrip()}\n{end}"
    if start in text:
        text = re.sub(re.escape(start) + r".*?" + re.escape(end), lambda _m: block, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    BENCHMARKS_MD.write_text(text)


def machine() -> str:
    import platform

    python = f"{platform.python_implementation()} {platform.python_version()}"
    return f"{python}, {os.cpu_count()} cores, {platform.machine()}"


def import_cost(module: str, runs: int = 31) -> tuple[float, float, float]:
    """(median `python -c pass` s, median `python -c "import module"` s, median extra ms), the two
    commands run in turn so that each pair shares the machine's state."""
    base, imp, extra = [], [], []
    for _ in range(runs):
        b = run_process([sys.executable, "-c", "pass"]).seconds
        i = run_process([sys.executable, "-c", f"import {module}"]).seconds
        base.append(b)
        imp.append(i)
        extra.append((i - b) * 1000)
    return statistics.median(base), statistics.median(imp), statistics.median(extra)
