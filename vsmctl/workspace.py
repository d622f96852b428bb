"""The workspace: the monolith's repository, its `.vsm/` folder, and safe writes into it."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from vsmctl.errors import InputError
from vsmctl.locate import workspace_root

VSM_DIR = ".vsm"
# What vsmctl keeps in .vsm/ but never commits (DESIGN.md, "The workspace").
VSM_GITIGNORE = "cache/\nparallel-run.sqlite*\n*.lock\n*.bak\n"  # *.bak: event-log backups (repair-log)


# False inside `scratch_writes()`: the writes stay atomic, but are not forced to disk.
_DURABLE: ContextVar[bool] = ContextVar("vsmctl_durable_writes", default=True)


@contextmanager
def scratch_writes() -> Iterator[None]:
    """Atomic writes without fsync, for a tree that only feeds a git commit (an extraction step in
    its migration worktree): git reads the files from the page cache, and after a crash the
    worktree is rebuilt from the branch, so forcing each file to disk (two fsyncs a file, a
    hundred files a step) would buy nothing."""
    token = _DURABLE.set(False)
    try:
        yield
    finally:
        _DURABLE.reset(token)


def atomic_write_bytes(path: Path, data: bytes, make_parents: bool = True) -> None:
    """Write `data` to `path` so that readers see the old file or the new one, never half of one
    (and, outside `scratch_writes()`, the new one once this returns, even after a crash)."""
    path = Path(path)
    if not make_parents and not path.parent.is_dir():
        raise InputError(f"cannot write {path}: folder {path.parent} does not exist")
    try:
        if make_parents:
            path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from exc
    try:
        # mkstemp makes the file 0600: other users (an application reading flags.json) could not
        # read it. The file keeps the mode it had, or gets the one the umask gives a new file.
        os.fchmod(fd, _mode_for(path))
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if _DURABLE.get():
                os.fsync(handle.fileno())
        os.replace(tmp, path)
        if _DURABLE.get():
            _fsync_dir(path.parent)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _mode_for(path: Path) -> int:
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:  # a new file (or one we cannot stat): what the umask gives
        return 0o666 & ~current_umask()


def current_umask() -> int:
    """The process's umask, read without changing it where the system says (Linux ≥ 4.7): setting
    it to read it back would race with other threads creating files meanwhile."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write_text(path: Path, text: str, make_parents: bool = True) -> None:
    atomic_write_bytes(path, text.encode("utf-8"), make_parents)


def _fsync_dir(directory: Path) -> None:
    # The rename itself is durable only once the directory entry is on disk.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def find_root(start: Path) -> Path:
    """The workspace enclosing `start`: the nearest folder with `.vsm` or `.git` (the same rule
    running code uses, see vsmctl.locate)."""
    return Path(workspace_root(str(Path(start).resolve())))


@dataclass(frozen=True)
class Workspace:
    root: Path

    @classmethod
    def at(cls, start: Path | str = ".") -> Workspace:
        return cls(find_root(Path(start)))

    @property
    def vsm_dir(self) -> Path:
        return self.root / VSM_DIR

    @property
    def cache_dir(self) -> Path:
        return self.vsm_dir / "cache"

    @property
    def events_path(self) -> Path:
        return self.vsm_dir / "events.jsonl"

    @property
    def flags_path(self) -> Path:
        return self.vsm_dir / "flags.json"

    @property
    def roadmap_path(self) -> Path:
        return self.root / "roadmap.yaml"

    def ensure_vsm_dir(self) -> Path:
        """Create `.vsm/` with its .gitignore; an unwritable workspace is one clear error."""
        try:
            self.vsm_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"cannot create {self.vsm_dir}: {exc.strerror or exc}") from exc
        ignore = self.vsm_dir / ".gitignore"
        if not ignore.exists():
            atomic_write_text(ignore, VSM_GITIGNORE)
        return self.vsm_dir
