from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from git_repos import EXAMPLE as EXAMPLE
from git_repos import REPO, monolith_repo
from git_repos import ROADMAP as ROADMAP


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Create files (dedented text or raw bytes) under root; returns root."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
            input: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real CLI in a subprocess, as a user would."""
    full_env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "vsmctl", *args], cwd=cwd or REPO, env=full_env, input=input,
        capture_output=True, text=True, timeout=120,
    )


@pytest.fixture(autouse=True, scope="session")
def templates_home(tmp_path_factory):
    """The versioned template repositories (strangler/template_repo.py) go to a folder of the test
    run, never to the user's data folder; vsmctl run in a subprocess inherits it."""
    if "VSMCTL_TEMPLATES_HOME" not in os.environ:
        os.environ["VSMCTL_TEMPLATES_HOME"] = str(tmp_path_factory.mktemp("templates-home"))
    return Path(os.environ["VSMCTL_TEMPLATES_HOME"])


@pytest.fixture()
def tree(tmp_path: Path):
    def make(files: dict[str, str | bytes]) -> Path:
        return write_tree(tmp_path, files)

    return make


@pytest.fixture()
def example_repo(tmp_path: Path) -> Path:
    """A real git repository holding a copy of the example monolith and the VSM roadmap."""
    repo_dir = tmp_path / "repo"
    monolith_repo(repo_dir)
    return repo_dir


REQUIRE_SERVERS = "VSMCTL_REQUIRE_SERVERS"


def require_tool(name: str, install_hint: str, search: tuple[str, ...] = ()) -> str:
    """The path of an external program a test needs (a server, a toolchain, a browser).

    Absent, the test is skipped with a reason, so the suite passes on a fresh machine; with
    VSMCTL_REQUIRE_SERVERS=1 (CI sets it, see .ci/run) the absence fails the test instead, so CI
    can never go green by skipping. Every fixture that needs a program outside Python calls this.
    `search` lists extra folders to look in (e.g. /usr/lib/postgresql/15/bin, not on PATH).
    """
    import shutil

    found = shutil.which(name)
    for folder in search:
        found = found or shutil.which(name, path=folder)
    if found:
        return found
    reason = f"{name} is not installed ({install_hint})"
    if os.environ.get(REQUIRE_SERVERS) == "1":
        pytest.fail(f"{reason}, and {REQUIRE_SERVERS}=1 requires it", pytrace=False)
    pytest.skip(reason)


@pytest.fixture()
def redis_url():
    """A real redis-server (Debian's package) on a free loopback port, for this test only."""
    import socket
    import time

    server = require_tool("redis-server", "apt-get install redis-server; .ci/run does")
    import redis  # a test dependency ([test]); only the server is optional
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(host="127.0.0.1", port=port)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise
            time.sleep(0.05)
    client.close()
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(10)


def new_flag(key: str = "f", **extra) -> dict:
    flag = {"key": key, "type": "boolean", "state": "enabled", "variants": {"on": True, "off": False},
            "default_variant": "off", "rules": [], "rollout": None}
    flag.update(extra)
    return flag
