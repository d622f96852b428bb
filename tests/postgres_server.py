"""A throwaway PostgreSQL server for tests: Debian's `postgresql` package, `initdb` into a temporary
folder, listening on a unix socket only. Where it is not installed the tests skip with the reason,
unless VSMCTL_REQUIRE_SERVERS=1 (CI), where they fail (conftest.require_tool)."""

from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from itertools import count
from pathlib import Path

import pytest

_databases = count(1)


def _binaries() -> Path:
    """The folder of initdb and postgres: Debian keeps them off PATH, under /usr/lib/postgresql/N/bin."""
    from conftest import require_tool

    folders = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[4]), reverse=True)
    return Path(require_tool("initdb", "apt-get install postgresql", tuple(folders))).parent


class Server:
    def __init__(self, folder: Path, user: str | None) -> None:
        self.folder, self.user = folder, user
        self.socket_dir = folder / "sock"
        self.proc: subprocess.Popen[bytes] | None = None

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{self.user or 'postgres'}@/{database}?host={self.socket_dir}"

    def start(self, bin_dir: Path) -> None:
        data = self.folder / "data"
        self.socket_dir.mkdir()
        if self.user:
            shutil.chown(self.folder, self.user)
            shutil.chown(self.socket_dir, self.user)
        subprocess.run([str(bin_dir / "initdb"), "-D", str(data), "-U", self.user or "postgres", "-A", "trust",
                        "--no-sync", "-E", "UTF8"], check=True, capture_output=True, user=self.user)
        self.proc = subprocess.Popen(
            [str(bin_dir / "postgres"), "-D", str(data), "-k", str(self.socket_dir), "-c", "listen_addresses=",
             "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
             "-c", "max_connections=60"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, user=self.user)
        import psycopg

        deadline = time.monotonic() + 30
        while True:
            try:
                psycopg.connect(self.url(), connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    self.stop()
                    raise
                time.sleep(0.1)

    def new_database(self) -> str:
        import psycopg

        name = f"t{os.getpid()}_{next(_databases)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # fast shutdown: recorders' connections may still be open
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


def postgres_server_at(base: Path | None = None) -> Iterator[Server]:
    bin_dir = _binaries()
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install 'vsmctl[postgresql]')")
    # PostgreSQL refuses to run as root: as root, the cluster belongs to the `postgres` user, in a
    # folder it can reach (pytest's tmp_path is private to root)
    user = "postgres" if os.geteuid() == 0 else None
    folder = Path(tempfile.mkdtemp(prefix="vsmctl-pg-", dir=None if user else base))
    server = Server(folder, user)
    try:
        server.start(bin_dir)
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from postgres_server_at(tmp_path_factory.mktemp("pg"))


@pytest.fixture()
def postgres_url(postgres_server: Server) -> str:
    """A fresh, empty database on the session's server."""
    return postgres_server.new_database()
