"""The migration worktree checked out while the extraction is still being planned.

A new extraction's first git operation is a checkout of the whole monolith into its worktree: on
a large monolith most of a second, during which vsmctl would only wait. It does not depend on the
plan, so it starts before planning, in a git process of its own, into a worktree of this process's
own (`NAME.incoming-PID` beside the extraction's worktree). Once every check of `start` has passed
(under the extraction's lock) it is moved into place, if it holds the base commit; otherwise, and
whenever the extraction does not start, it is removed (once git has finished it): a refusal
leaves nothing. A process killed meanwhile leaves its incoming worktree; the next one removes it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from vsmctl.strangler.gitops import worktree_path

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
        """Remove the checkout if it was not moved into place (once git is done with it: a checkout
        stopped halfway leaves git's own records of it half made)."""
        self.wait()
        _remove(self.root, self.path)


def _remove(root: Path, path: Path) -> None:
    if path.exists():
        _git(root, "worktree", "remove", "--force", str(path))
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
def early_checkout(root: Path, name: str) -> Iterator[EarlyCheckout | None]:
    """A checkout of HEAD for the worktree of the extraction `name`, begun now (None outside a git
    repository, or when that worktree exists: the extraction resets that one instead); whatever
    was not moved into place goes on leaving."""
    git_dir = _git(root, "rev-parse", "--absolute-git-dir")  # GitPython is not loaded yet: git itself
    target = worktree_path(Path(git_dir), name) if git_dir else None
    if target is None or target.exists():
        yield None
        return
    _remove_stale(root, target)
    early = EarlyCheckout(root, target)
    try:
        yield early
    finally:
        early.discard()
