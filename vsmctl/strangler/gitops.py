"""The git operations of an extraction, each followed by a named fault point (strangler/faults.py).

Steps are applied in a separate worktree (`.git/vsmctl/worktrees/NAME`, detached) and committed
there; the user's checkout only ever moves by a fast-forward (or a reset during rollback) to a
finished commit. The worktree is a cache: it is rebuilt from the branch tip whenever it is used.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Protocol

from vsmctl.errors import InputError
from vsmctl.strangler import faults

KEEP_ON_CLEAN = ".vsm/cache"


class PreparedCheckout(Protocol):
    """A checkout begun earlier (strangler/early_checkout.py)."""

    def wait(self) -> None: ...

    def move_to(self, target: Path, commit: str) -> bool: ...


def worktree_path(git_dir: Path, name: str) -> Path:
    """Where the extraction of `name` keeps its worktree, in the repository whose git folder is `git_dir`."""
    return git_dir / "vsmctl" / "worktrees" / name


class GitOps:
    def __init__(self, root: Path) -> None:
        import git

        try:
            self.repo = git.Repo(root, search_parent_directories=True)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError):
            raise InputError(f"{root}: not in a git repository (vsmctl extract makes every step a commit)") from None
        self.root = Path(self.repo.working_tree_dir or root)
        self.git_dir = Path(self.repo.git_dir)
        # worktrees this object left exactly at their HEAD, nothing run in them since (`known_clean`)
        self._clean: set[Path] = set()

    # --- reading ------------------------------------------------------------------------------
    def branches(self) -> list[str]:
        return [h.name for h in self.repo.heads]

    def has_branch(self, name: str) -> bool:
        return name in self.branches()

    def tip(self, ref: str) -> str:
        return str(self.repo.commit(ref).hexsha)

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        return bool(self.repo.is_ancestor(self.repo.commit(ancestor), self.repo.commit(descendant)))

    def current_branch(self) -> str | None:
        return None if self.repo.head.is_detached else str(self.repo.active_branch.name)

    def show(self, commit: str, path: str) -> str:
        import git

        try:
            return str(self.repo.git.show(f"{commit}:{path}"))
        except git.GitCommandError:
            return ""

    def check_clean(self, adopt: tuple[str, ...] = ()) -> list[str]:
        """Refuses a tree with uncommitted changes; returns the untracked files of `adopt` found (vsmctl's
        own, which the caller commits itself), which do not count."""
        if self.repo.head.is_detached:
            raise InputError("HEAD is detached: check out a branch first (git switch main)")
        changed, untracked = self._status()
        adopted = [rel for rel in adopt if rel in untracked]
        if changed or len(untracked) > len(adopted):
            named = ", ".join(sorted({*changed, *(rel for rel in untracked if rel not in adopted)})[:5])
            raise InputError(f"the working tree has uncommitted changes ({named}): commit or stash them first")
        return adopted

    def _status(self) -> tuple[list[str], list[str]]:
        """(paths changed in the index or the working tree, untracked files): one `git status`."""
        fields = self.repo.git.status("--porcelain=v1", "-z", "--untracked-files=all").split("\0")
        changed, untracked = [], []
        i = 0
        while i < len(fields):
            entry = fields[i]
            i += 1
            if len(entry) < 4:
                continue
            code, path = entry[:2], entry[3:]
            if code == "??":
                untracked.append(path)
                continue
            changed.append(path)
            if "R" in code or "C" in code:
                i += 1  # a rename's or copy's old path follows in a field of its own
        return changed, untracked

    # --- the worktree -------------------------------------------------------------------------
    def worktree_path(self, name: str) -> Path:
        return worktree_path(self.git_dir, name)

    def worktree(self, name: str, commit: str, point: str, prepared: PreparedCheckout | None = None) -> Any:
        """The extraction's worktree, reset and cleaned to `commit` (made if missing: moved into
        place from `prepared`, a checkout begun earlier, when that holds `commit`)."""
        import git

        path = self.worktree_path(name)
        if path in self._clean:
            self._clean.discard(path)
            wt = git.Repo(path)
            if wt.head.commit.hexsha == commit:  # a reset and clean would find nothing to do
                faults.point(point)
                return wt
        made = not self._is_own_worktree(path)
        if made:
            if prepared is not None:
                prepared.wait()  # nothing is pruned while git is still making it
            # missing, half made, or another repository's (this one was copied or moved): anew
            shutil.rmtree(path, ignore_errors=True)
            self.repo.git.worktree("prune")
            if prepared is None or not prepared.move_to(path, commit):
                self.repo.git.worktree("add", "--detach", str(path), commit)
        wt = git.Repo(path)
        if not made:  # a worktree just checked out at `commit` holds nothing else
            wt.git.reset("--hard", commit)
            wt.git.clean("-fdx", "-e", KEEP_ON_CLEAN)
        faults.point(point)
        return wt

    def known_clean(self, wt: Any) -> None:
        """`wt` is exactly its HEAD: this process checked it out and committed everything it wrote,
        and no test command has run in it since (the next `worktree` skips its reset and clean, which
        on a just-checked-out monolith re-hash every file git cannot yet tell unchanged)."""
        self._clean.add(Path(wt.working_tree_dir))

    def _is_own_worktree(self, path: Path) -> bool:
        import git

        if not (path / ".git").is_file():
            return False
        try:
            common = Path(git.Repo(path).common_dir).resolve()
        except (git.InvalidGitRepositoryError, git.NoSuchPathError, OSError):
            return False
        return common == self.git_dir.resolve()

    def remove_worktree(self, name: str) -> None:
        path = self.worktree_path(name)
        if path.exists():
            self.repo.git.worktree("remove", "--force", str(path))

    @staticmethod
    def stage(wt: Any, point: str) -> None:
        wt.git.add("-A")
        faults.point(point)

    @staticmethod
    def commit(wt: Any, message: str, point: str, extra: list[str] | tuple[str, ...] = ()) -> str:
        # forced: the event log is the record even where a .gitignore lists .vsm/ (its cache stays out)
        records = [p for p in (".vsm/events.jsonl", ".vsm/flags.json", ".vsm/flags.eterm", *extra)
                   if (Path(wt.working_tree_dir) / p).exists()]
        if records:
            wt.git.add("-f", "--", *records)
        wt.git.commit("-m", message, "--allow-empty", "--no-verify")
        faults.point(point)
        return str(wt.head.commit.hexsha)

    @staticmethod
    def undo(wt: Any) -> None:
        wt.git.reset("--hard", "HEAD")
        wt.git.clean("-fdx", "-e", KEEP_ON_CLEAN)

    # --- refs and the user's checkout ---------------------------------------------------------
    def create_branch(self, branch: str, commit: str, point: str) -> None:
        self.repo.git.branch(branch, commit)
        faults.point(point)

    def rename_branch(self, old: str, new: str) -> None:
        self.repo.git.branch("-m", old, new)

    def set_branch(self, branch: str, commit: str, point: str) -> None:
        """Move a branch that is not checked out."""
        self.repo.git.branch("-f", branch, commit)
        faults.point(point)

    def checkout(self, branch: str, point: str) -> None:
        self.repo.git.checkout(branch)
        faults.point(point)

    def fast_forward(self, commit: str, point: str) -> None:
        self.repo.git.merge("--ff-only", commit)
        faults.point(point)

    def reset_checkout(self, commit: str, point: str) -> None:
        self.repo.git.reset("--hard", commit)
        faults.point(point)
