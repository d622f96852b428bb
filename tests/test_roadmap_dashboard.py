"""The `roadmap status --html` dashboard, as a person sees it: rendered by headless Chromium.

The page must render without a console error, show a card for every package of the roadmap, and
need nothing from the network. VSMCTL_DASHBOARD_PNG=FILE keeps the screenshot (the README's is
made this way: `VSMCTL_DASHBOARD_PNG=docs/roadmap-dashboard.png pytest tests/test_roadmap_dashboard.py`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess

import pytest
from conftest import ROADMAP, require_tool, run_cli
from git_repos import monolith_repo
from test_roadmap_walk import FAST_TESTS, REAL_TESTS, record_parallel_run

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--enable-logging=stderr", "--v=0"]


@pytest.fixture(scope="module")
def chromium():
    return require_tool("chromium", "apt-get install chromium; .ci/run does", search=("/usr/bin",))


def browse(chromium, tmp_path, page, *extra):
    """Chromium on a file, in a fresh profile: (stdout, the console messages it logged)."""
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    result = subprocess.run([chromium, *FLAGS, f"--user-data-dir={profile}", "--window-size=1600,1400", *extra,
                             page.as_uri()], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    # "INFO:CONSOLE:1] ..." (older builds: "INFO:CONSOLE(1)] ..."): what the page logged
    console = [line for line in result.stderr.splitlines() if re.search(r":CONSOLE[:(]", line)]
    return result.stdout, console


def test_the_console_check_sees_an_error(chromium, tmp_path):
    """The check below would catch a broken page: a page that logs an error is seen to."""
    page = tmp_path / "broken.html"
    page.write_text("<!DOCTYPE html><html><body><p>x</p><script>console.error('broken page');</script></body></html>")
    _, console = browse(chromium, tmp_path, page, "--dump-dom")
    assert any("broken page" in line for line in console), console


@pytest.fixture(scope="module")
def busy_repo(tmp_path_factory):
    """The bundled roadmap mid-migration: a package extracted by strangler fig, one cut over at 50%
    with a parallel run recorded, one interrupted by a kill."""
    repo_dir = tmp_path_factory.mktemp("dashboard") / "repo"
    text = ROADMAP.read_text().replace(f"test_command: {REAL_TESTS}", f"test_command: {FAST_TESTS}")
    text = text.replace("  vsm-s4-intelligence:\n", "  vsm-s4-intelligence:\n    approach: abstraction\n", 1)
    repo = monolith_repo(repo_dir, text)

    def cli(*args, env=None, expect=0):
        result = run_cli(*args, cwd=repo_dir, env=env)
        assert result.returncode == expect, result.stderr
        return result

    cli("extract", "subsystem", "vsm-goldrush")
    cli("extract", "subsystem", "vsm-s4-intelligence", "--via", "abstraction")
    for percent in ("10", "50"):
        cli("flag", "flip", "extract.vsm-s4-intelligence", "on", "--percent", percent)
        repo.git.commit("-am", f"rollout {percent}%")
        record_parallel_run(repo_dir, 15)
    cli("extract", "subsystem", "vsm-config", env={"VSMCTL_KILL_AT": "step:move:after-stage"}, expect=-signal.SIGKILL)
    return repo_dir


def test_the_dashboard_renders_every_package_offline(chromium, busy_repo, tmp_path):
    page = tmp_path / "dashboard.html"
    result = run_cli("roadmap", "status", "--html", str(page), "--json", cwd=busy_repo)
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    names = {p["name"]: p for phase in doc["phases"] for p in phase["packages"]}
    html = page.read_text()
    # self-contained: nothing to fetch (no script, style, font or image from anywhere)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//|url\(|@import""", html)

    dom, console = browse(chromium, tmp_path, page, "--dump-dom")
    assert console == [], console
    shown = dict(re.findall(r'<article class="card" data-package="([^"]+)" data-stage="([^"]+)"', dom))
    assert set(shown) == set(names) and len(names) == 18
    assert {n: shown[n] for n in ("vsm-goldrush", "vsm-s4-intelligence", "vsm-config", "vsm-api")} == {
        "vsm-goldrush": "extracted", "vsm-s4-intelligence": "cut_over", "vsm-config": "interrupted",
        "vsm-api": "not_started"}
    assert "cut over at 50%" in dom and "100% of 30 matched" in dom
    assert "at 10%: 100% of 15" in dom and "at 50%: 100% of 15" in dom  # the match rate at each rollout step
    assert re.findall(r'<section class="phase[^"]*" data-phase="([^"]+)"', dom) == ["Foundation", "Expansion",
                                                                                  "Finalization"]

    png = tmp_path / "dashboard.png"
    _, console = browse(chromium, tmp_path, page, f"--screenshot={png}")
    assert console == [], console
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000  # a real picture, not a blank page
    keep = os.environ.get("VSMCTL_DASHBOARD_PNG")
    if keep:
        shutil.copy(png, keep)
