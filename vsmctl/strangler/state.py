"""An extraction's state, computed from its migration branch: never stored anywhere else.

Every change an extraction makes is a commit on `vsm/extract/NAME` carrying trailers
(`vsmctl-extract: NAME`, `vsmctl-step: STEP`, `vsmctl-event: eN`) and the matching event in
`.vsm/events.jsonl`. The first commit is `vsmctl-step: start`; its `extract.started` event holds
what the run needs (mode, steps, plan, base branch, test command). So `status`, `resume` and
`rollback` read git, and a kill at any moment leaves nothing that git and the events do not explain:
a step is done exactly when its commit is on the branch.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vsmctl.errors import InputError
from vsmctl.strangler.gitops import GitOps

BRANCH_PREFIX = "vsm/extract/"
START, ROLLBACK = "start", "rollback"
_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9_-])?")


def check_name(name: str) -> str:
    """A package name as the roadmap allows it: also a safe branch name, never a path."""
    if not _NAME.fullmatch(name) or ".." in name or name.endswith(".lock"):
        raise InputError(f"'{name}' is not a package name (letters, digits, '.', '_' and '-')")
    return name


def branch_of(name: str) -> str:
    return BRANCH_PREFIX + check_name(name)


def message(name: str, title: str, mode: str, step: str, event: str, extra: dict[str, str] | None = None) -> str:
    trailers = {"vsmctl-extract": name, "vsmctl-mode": mode, "vsmctl-step": step, "vsmctl-event": event,
                **(extra or {})}
    return f"vsmctl extract {name}: {title}\n\n" + "".join(f"{k}: {v}\n" for k, v in trailers.items())


def trailers(text: str) -> dict[str, str]:
    found = {}
    for line in text.splitlines():
        key, sep, value = line.partition(": ")
        if sep and key.startswith("vsmctl-"):
            found[key] = value.strip()
    return found


@dataclass(frozen=True)
class DoneStep:
    step: str
    commit: str
    event: str


@dataclass(frozen=True)
class ExtractionState:
    name: str
    mode: str
    branch: str
    base_branch: str
    base_commit: str
    start_commit: str
    steps: tuple[str, ...]  # the planned steps (finish is added by `extract finish`)
    plan: dict[str, Any]
    template: str | None
    test_command: str | None
    python: str | None
    done: tuple[DoneStep, ...]
    foreign: tuple[str, ...]  # commits on the branch that vsmctl did not make (the user's)
    rolled_back: bool
    running: bool
    adopted: tuple[str, ...] = ()  # vsmctl's own untracked files the start commit took in (.vsm/.gitignore)

    @property
    def remaining(self) -> list[str]:
        finished = {d.step for d in self.done}
        return [s for s in self.steps if s not in finished]

    @property
    def finished(self) -> bool:
        return any(d.step == "finish" for d in self.done)

    @property
    def status(self) -> str:
        if self.rolled_back:
            return "rolled_back"
        if self.finished:
            return "finished"
        if not self.remaining:
            return "done"
        return "running" if self.running else "interrupted"

    def describe(self) -> str:
        if self.status == "interrupted":
            return f"interrupted at step {self.remaining[0]}: run `vsmctl extract resume {self.name}` or rollback"
        if self.status == "running":
            return f"running step {self.remaining[0]}"
        return self.status.replace("_", " ")

    def commit_of(self, step: str) -> str | None:
        return next((d.commit for d in self.done if d.step == step), None)


def read_state(git: GitOps, name: str) -> ExtractionState | None:
    """The state of `name`'s extraction from its branch, or None when there is no such branch."""
    branch = branch_of(name)
    if not git.has_branch(branch):
        return None
    done: list[DoneStep] = []
    foreign: list[str] = []
    rolled_back = False
    for commit in git.repo.iter_commits(branch, first_parent=True):
        found = trailers(str(commit.message))
        if found.get("vsmctl-extract") != name:
            foreign.append(commit.hexsha)
            continue
        step = found.get("vsmctl-step", "")
        if step == START:
            return _from_start(git, name, branch, commit, done[::-1], foreign[::-1], rolled_back)
        if step == ROLLBACK:
            rolled_back = rolled_back or (not done and found.get("vsmctl-rollback-to") == START)
        elif step:
            done.append(DoneStep(step, commit.hexsha, found.get("vsmctl-event", "")))
    raise InputError(f"branch {branch} has no `vsmctl-step: start` commit: it was not made by vsmctl extract "
                     "(rename or delete it)")


def _from_start(git: GitOps, name: str, branch: str, commit: Any, done: list[DoneStep], foreign: list[str],
                rolled_back: bool) -> ExtractionState:
    event_id = trailers(str(commit.message)).get("vsmctl-event", "")
    data = event_data(git.show(commit.hexsha, ".vsm/events.jsonl"), event_id)
    if data is None:
        raise InputError(f"{branch}: the start commit {commit.hexsha[:8]} has no event {event_id} in "
                         ".vsm/events.jsonl")
    return ExtractionState(
        name=name, mode=data["mode"], branch=branch, base_branch=data["base_branch"],
        base_commit=commit.parents[0].hexsha if commit.parents else data["base_commit"],
        start_commit=commit.hexsha, steps=tuple(data["steps"]), plan=data["plan"], template=data.get("template"),
        test_command=data.get("test_command"), python=data.get("python"), done=tuple(done), foreign=tuple(foreign),
        rolled_back=rolled_back, running=is_locked(git, name), adopted=tuple(data.get("adopted") or ()))


def event_data(log_text: str, event_id: str) -> dict[str, Any] | None:
    for line in reversed(log_text.splitlines()):
        if f'"id":"{event_id}"' in line:
            try:
                record = json.loads(line)
            except ValueError:
                return None
            return dict(record.get("data") or {})
    return None


def all_states(git: GitOps) -> list[ExtractionState]:
    names = sorted(b[len(BRANCH_PREFIX):] for b in git.branches()
                   if b.startswith(BRANCH_PREFIX) and "--" not in b[len(BRANCH_PREFIX):])
    states = []
    for name in names:
        try:
            state = read_state(git, name)
        except InputError:
            continue  # a branch that only looks like ours
        if state is not None:
            states.append(state)
    return states


# --- who is running an extraction now: a lock, held while a process works on it -------------
def _lock_path(git: GitOps, name: str) -> Path:
    return git.git_dir / "vsmctl" / "locks" / f"{check_name(name)}.lock"


@contextmanager
def running(git: GitOps, name: str) -> Iterator[None]:
    path = _lock_path(git, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InputError(f"'{name}' is being extracted by another process right now") from None
        yield
    finally:
        os.close(fd)


def is_locked(git: GitOps, name: str) -> bool:
    path = _lock_path(git, name)
    if not path.exists():
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
