"""The migration worktree checked out while the extraction is still being planned.

A new extraction's first git operation is a checkout of the whole monolith into its worktree: on
a large monolith most of a second, during which vsmctl would only wait. It does not depend on the
plan, so it starts before planning, in a git process of its own, into a worktree of this process's
own (`NAME.incoming-PID` beside the extraction's worktree). Once every check of `start` has passed
(under the extraction's lock) it is moved into place, if it holds the base commit; otherwise, and
whenever the extraction does not start, it is removed (stopped first if still running): a refusal
leaves nothing. A process killed meanwhile leaves its incoming worktree; the next one removes it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

INCOMING = ".incoming-"


def _git(root: Path, *args: str) -> str | None:
    run = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    return run.stdout.strip() if run.returncode == 0 else None


class EarlyCheckout:
    def __init__(self, root: Path, target: Path) -> None:
        self.root = root
        self.path = target.with_name(f"{target.name}{INCOMING}{os.getpid()}")
        self.commit = _git(root, "rev-parse", "HEAD")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._process = subprocess.Popen(["git", "worktree", "add", "--detach", "-q", str(self.path),
                                          str(self.commit)], cwd=root, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL) if self.commit else None

    def move_to(self, target: Path, commit: str) -> bool:
        """Put the checkout at `target` (which must not exist) when it holds `commit`; False: the
        caller checks out its own."""
        if self._process is None or self._process.wait() != 0 or self.commit != commit:
            return False
        return _git(self.root, "worktree", "move", str(self.path), str(target)) is not None

    def wait(self) -> None:
        if self._process is not None:
            self._process.wait()

    def discard(self) -> None:
        """Stop the checkout if it still runs, and remove it if it was not moved into place."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        _remove(self.root, self.path)


def _remove(root: Path, path: Path) -> None:
    if path.exists():
        _git(root, "worktree", "remove", "--force", "--force", str(path))  # twice: also a half-made one
        shutil.rmtree(path, ignore_errors=True)
        _git(root, "worktree", "prune")


def _remove_stale(root: Path, target: Path) -> None:
    """Incoming worktrees of processes that are gone (killed while planning)."""
    for path in target.parent.glob(f"{target.name}{INCOMING}*"):
        pid = path.name.rsplit(INCOMING, 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            _remove(root, path)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def early_checkout(root: Path, target: Path) -> Iterator[EarlyCheckout | None]:
    """A checkout of HEAD for the worktree at `target`, begun now (None when `target` exists: the
    extraction resets that one instead); whatever was not moved into place goes on leaving."""
    if target.exists():
        yield None
        return
    _remove_stale(root, target)
    early = EarlyCheckout(root, target)
    try:
        yield early
    finally:
        early.discard()
