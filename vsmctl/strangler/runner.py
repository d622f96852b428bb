"""The extraction as git steps: a migration branch, a separate worktree, one commit per step.

Each step is applied in a worktree (`.git/vsmctl/worktrees/<name>`), staged, tested with the
roadmap's test command, recorded as an event and committed; only then does the user's checkout
(on the migration branch `vsm/extract/<name>`) fast-forward to it. Killed at any moment, the
user's checkout is as before the step or at its commit; `resume` cleans the worktree and goes
on. State that must not be committed lives in `.git/vsmctl/`.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from vsmctl.errors import CheckFailed, InputError
from vsmctl.events import EventLog
from vsmctl.strangler import steps as step_impl
from vsmctl.strangler.codemods import Moves
from vsmctl.strangler.plan import ExtractionPlan, MovedFile
from vsmctl.workspace import atomic_write_text

STEPS = {"strangler": ("scaffold", "move", "shim"), "abstraction": ("scaffold", "copy", "abstraction")}
Progress = Callable[[str], None]


class StepFailed(CheckFailed):
    """The monolith's tests failed after a step; the step was undone."""


@dataclass
class State:
    name: str
    mode: str
    base_branch: str
    base_commit: str
    branch: str
    worktree: str
    steps: list[str]
    plan: dict[str, Any]
    template: str | None = None
    test_command: str | None = None
    done: list[dict[str, str]] = field(default_factory=list)  # {"step", "commit", "event"}
    status: str = "running"  # running, done, finished, rolled_back

    @property
    def remaining(self) -> list[str]:
        finished = {d["step"] for d in self.done}
        return [s for s in self.steps if s not in finished]


def plan_to_dict(plan: ExtractionPlan) -> dict[str, Any]:
    d = asdict(plan)
    d["moves"] = plan.moves.mapping
    return d


def plan_from_dict(d: dict[str, Any]) -> ExtractionPlan:
    return ExtractionPlan(package=d["package"], import_name=d["import_name"], package_dir=d["package_dir"],
                          source_root=d["source_root"], moves=Moves(dict(d["moves"])),
                          files=tuple(MovedFile(**f) for f in d["files"]), importers=tuple(d["importers"]),
                          mode=d["mode"], flag=d["flag"])


class Extraction:
    def __init__(self, root: Path, progress: Progress | None = None) -> None:
        import git

        try:
            self.repo = git.Repo(root, search_parent_directories=True)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError):
            raise InputError(f"{root}: not in a git repository (vsmctl extract makes every step a commit)") from None
        self.root = Path(self.repo.working_tree_dir or root)
        self.git_dir = Path(self.repo.git_dir)
        self.progress = progress or (lambda message: None)

    # --- state -----------------------------------------------------------------------------
    def _state_path(self, name: str) -> Path:
        return self.git_dir / "vsmctl" / "extract" / f"{name}.json"

    def load(self, name: str) -> State:
        path = self._state_path(name)
        if not path.exists():
            raise InputError(f"no extraction of '{name}' (vsmctl extract status lists them)")
        return State(**json.loads(path.read_text(encoding="utf-8")))

    def save(self, state: State) -> None:
        atomic_write_text(self._state_path(state.name), json.dumps(asdict(state), indent=2) + "\n")

    def all_states(self) -> list[State]:
        folder = self.git_dir / "vsmctl" / "extract"
        return [State(**json.loads(p.read_text(encoding="utf-8"))) for p in sorted(folder.glob("*.json"))] \
            if folder.is_dir() else []

    # --- git helpers ------------------------------------------------------------------------
    def _check_clean(self) -> None:
        if self.repo.head.is_detached:
            raise InputError("HEAD is detached: check out a branch first (git switch main)")
        if self.repo.is_dirty(untracked_files=True):
            raise InputError("the working tree has uncommitted changes: commit or stash them first")

    def _wt(self, state: State) -> Any:
        import git

        return git.Repo(state.worktree)

    def _ensure_worktree(self, state: State) -> None:
        tip = self.repo.commit(state.branch).hexsha
        if not Path(state.worktree).exists():
            self.repo.git.worktree("prune")
            self.repo.git.worktree("add", "--detach", state.worktree, tip)
        wt = self._wt(state)
        wt.git.reset("--hard", tip)
        wt.git.clean("-fdx", "-e", ".vsm/cache")

    # --- running ----------------------------------------------------------------------------
    def start(self, plan: ExtractionPlan, test_command: str | None, template: str | None = None,
              no_shims: bool = False, actor: str = "vsmctl") -> State:
        self._check_clean()
        existing = self._state_path(plan.package)
        if existing.exists() and self.load(plan.package).status in ("running", "done"):
            raise InputError(f"'{plan.package}' is being or was extracted already "
                             f"(vsmctl extract status {plan.package}; rollback first to start over)")
        branch = f"vsm/extract/{plan.package}"
        if existing.exists() and branch in [h.name for h in self.repo.heads]:
            # a rolled-back attempt: its branch (with the rollback event) is kept under another name
            kept = f"{branch}--rolled-back-{time.strftime('%Y%m%d%H%M%S')}"
            self.repo.git.branch("-m", branch, kept)
        if branch in [h.name for h in self.repo.heads]:
            raise InputError(f"branch {branch} exists already: delete it or roll back that extraction")
        steps = list(STEPS[plan.mode])
        if no_shims and plan.mode == "strangler":
            steps.remove("shim")
        state = State(name=plan.package, mode=plan.mode, base_branch=self.repo.active_branch.name,
                      base_commit=self.repo.head.commit.hexsha, branch=branch,
                      worktree=str(self.git_dir / "vsmctl" / "worktrees" / plan.package), steps=steps,
                      plan=plan_to_dict(plan), template=template, test_command=test_command)
        self.repo.git.branch(branch)
        self.repo.git.checkout(branch)
        self.save(state)
        return self.run(state, actor)

    def run(self, state: State, actor: str = "vsmctl") -> State:
        plan = plan_from_dict(state.plan)
        self._ensure_worktree(state)
        for step in state.remaining:
            self._step(state, plan, step, actor)
        state.status = "done"
        self.save(state)
        return state

    def resume(self, name: str, actor: str = "vsmctl") -> State:
        state = self.load(name)
        if state.status != "running":
            raise InputError(f"'{name}' is {state.status}: nothing to resume")
        if self.repo.active_branch.name != state.branch:
            self.repo.git.checkout(state.branch)
        self._check_clean()
        return self.run(state, actor)

    def _apply(self, tree: Path, plan: ExtractionPlan, step: str, template: str | None) -> step_impl.StepReport:
        if step == "scaffold":
            return step_impl.scaffold(tree, plan, template)
        if step == "move":
            return step_impl.move(tree, plan)
        if step == "copy":
            return step_impl.move(tree, plan, keep_old=True)
        if step == "shim":
            return step_impl.shim(tree, plan)
        if step == "abstraction":
            from vsmctl.flags.store import FlagStore
            from vsmctl.strangler.usage import used_names
            from vsmctl.workspace import Workspace

            used = used_names(tree, plan, list(plan.importers) + [f.old_path for f in plan.files])
            report = step_impl.abstraction(tree, plan, used)
            store = FlagStore(Workspace(tree))
            if plan.flag not in store.current():
                store.change(plan.flag, "created", lambda _: _cutover_flag(plan), "vsmctl",
                             f"branch by abstraction for {plan.package}: on = the extracted package")
            return report
        if step == "finish":
            return step_impl.finish(tree, plan)
        raise InputError(f"unknown step {step}")

    def _step(self, state: State, plan: ExtractionPlan, step: str, actor: str) -> None:
        wt = self._wt(state)
        tree = Path(state.worktree)
        number = state.steps.index(step) + 1
        self.progress(f"step {number}/{len(state.steps)}: {step}")
        report = self._apply(tree, plan, step, state.template)
        wt.git.add("-A")
        if os.environ.get("VSMCTL_PAUSE_AT") == step:  # a fault-injection point for the kill test
            print(f"paused at {step}", flush=True)
            time.sleep(600)
        ok, output = run_tests(tree, state.test_command, plan)
        if not ok:
            wt.git.reset("--hard", "HEAD")
            wt.git.clean("-fdx", "-e", ".vsm/cache")
            self.save(state)
            raise StepFailed(f"the tests failed after step '{step}', which was undone:\n{output}")
        log = EventLog(tree / ".vsm" / "events.jsonl")
        event = log.append(f"extract.{step}", {"package": plan.package, "mode": plan.mode, "step": step,
                                                "number": number, "files": sorted(set(report.changed_files)),
                                                "uncertain_strings": report.uncertain_strings,
                                                "notes": report.notes}, actor)
        wt.git.add("-A", ".vsm/events.jsonl")
        message = (f"vsmctl extract {plan.package}: step {number}/{len(state.steps)} {step}\n\n"
                   f"vsmctl-extract: {plan.package}\nvsmctl-mode: {plan.mode}\nvsmctl-step: {step}\n"
                   f"vsmctl-event: {event.id}\n")
        wt.git.commit("-m", message, "--allow-empty", "--no-verify")
        commit = wt.head.commit.hexsha
        # only now does the user's checkout change
        self.repo.git.merge("--ff-only", commit)
        state.done.append({"step": step, "commit": commit, "event": event.id})
        self.save(state)

    # --- finishing and rolling back ---------------------------------------------------------
    def finish(self, name: str, gates: dict[str, Any], actor: str = "vsmctl") -> list[str]:
        state = self.load(name)
        if state.status != "done":
            raise InputError(f"'{name}' is {state.status}: only a completed extraction can be finished")
        if self.repo.active_branch.name != state.branch:
            raise InputError(f"check out {state.branch} first")
        self._check_clean()
        notes = check_gates(self.root, plan_from_dict(state.plan), gates)
        state.steps.append("finish")
        state.status = "running"
        self.save(state)
        self.run(state, actor)
        state.status = "finished"
        self.save(state)
        return notes

    def rollback(self, name: str, to_step: str | None = None, actor: str = "vsmctl") -> str:
        """Back to before the extraction (the base branch, untouched) or to before `to_step`."""
        state = self.load(name)
        if state.status == "rolled_back":
            raise InputError(f"'{name}' was rolled back already")
        self._check_clean()
        if to_step is None or to_step == state.steps[0]:
            target = state.base_commit
        else:
            names = [d["step"] for d in state.done]
            if to_step not in names:
                raise InputError(f"step '{to_step}' of {name} was not done (done: {', '.join(names) or 'none'})")
            target = state.done[names.index(to_step) - 1]["commit"]
        self._ensure_worktree(state)
        wt = self._wt(state)
        full = target == state.base_commit
        if full:
            # the user's tree goes back to the base branch, byte for byte; the branch keeps the record
            self.repo.git.checkout(state.base_branch)
            log = EventLog(Path(state.worktree) / ".vsm" / "events.jsonl")
            event = log.append("extract.rolled_back", {"package": name, "to": "start", "base": state.base_commit},
                               actor)
            wt.git.add("-A", ".vsm/events.jsonl")
            wt.git.commit("-m", f"vsmctl extract {name}: rolled back\n\nvsmctl-event: {event.id}\n", "--no-verify")
            self.repo.git.branch("-f", state.branch, wt.head.commit.hexsha)
            self.repo.git.worktree("remove", "--force", state.worktree)
            state.status = "rolled_back"
            state.done = []
        else:
            wt.git.reset("--hard", target)
            log = EventLog(Path(state.worktree) / ".vsm" / "events.jsonl")
            event = log.append("extract.rolled_back", {"package": name, "to": f"before {to_step}",
                                                       "commit": target}, actor)
            wt.git.add("-A", ".vsm/events.jsonl")
            wt.git.commit("-m", f"vsmctl extract {name}: rolled back to before {to_step}\n\n"
                                f"vsmctl-event: {event.id}\n", "--no-verify")
            self.repo.git.reset("--hard", wt.head.commit.hexsha)
            keep = [d["step"] for d in state.done]
            state.done = state.done[: keep.index(str(to_step))]
            state.status = "running"
        self.save(state)
        return event.id

    def dry_run(self, plan: ExtractionPlan, template: str | None = None, no_shims: bool = False) -> str:
        """Every step in a throw-away worktree; the full diff, nothing written to the user's tree."""
        import shutil
        import tempfile

        self._check_clean()
        folder = Path(tempfile.mkdtemp(prefix="vsmctl-dry-run-"))
        tree = folder / "tree"
        self.repo.git.worktree("add", "--detach", str(tree), "HEAD")
        try:
            import git

            wt = git.Repo(tree)
            for step in STEPS[plan.mode]:
                if step == "shim" and no_shims:
                    continue
                self._apply(tree, plan, step, template)
            wt.git.add("-A")
            return wt.git.diff("--cached", "HEAD", "--stat") + "\n\n" + wt.git.diff("--cached", "HEAD")
        finally:
            self.repo.git.worktree("remove", "--force", str(tree))
            shutil.rmtree(folder, ignore_errors=True)


def _cutover_flag(plan: ExtractionPlan) -> dict[str, Any]:
    from vsmctl.events import now_iso

    return {"key": plan.flag, "type": "boolean", "state": "enabled", "variants": {"on": True, "off": False},
            "default_variant": "off", "rules": [], "rollout": None, "owner": "vsmctl extract",
            "description": f"serve {plan.package} from the extracted package (branch by abstraction)",
            "created": now_iso(), "expires": None}


def run_tests(tree: Path, command: str | None, plan: ExtractionPlan) -> tuple[bool, str]:
    """The monolith's test command in the tree; the new package on PYTHONPATH (a path dependency)."""
    if not command:
        return True, "no test command in the roadmap"
    parts = shlex.split(command)
    if parts and parts[0] in ("python", "python3"):
        parts[0] = sys.executable  # the interpreter vsmctl runs in: the monolith's environment
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env["PYTHONPATH"] = os.pathsep.join([str(tree / plan.package_dir), *filter(None, [env.get("PYTHONPATH")])])
    try:
        done = subprocess.run(parts, cwd=tree, env=env, capture_output=True, text=True, timeout=1800)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"the test command could not run: {exc}"
    output = (done.stdout + done.stderr).strip().splitlines()
    return done.returncode == 0, "\n".join(output[-30:])


def check_gates(root: Path, plan: ExtractionPlan, gates: dict[str, Any]) -> list[str]:
    """The roadmap phase's gates, before old code is removed. Raises CheckFailed on the first unmet one."""
    notes = []
    if "flag_rollout" in gates:
        from vsmctl.flags.store import FlagStore
        from vsmctl.workspace import Workspace

        flags = FlagStore(Workspace(root)).current()
        flag = flags.get(plan.flag)
        if flag is None:
            notes.append(f"flag_rollout: no flag {plan.flag} (strangler fig routes by imports): nothing to wait for")
        else:
            percent = (flag.get("rollout") or {}).get("percent", 0)
            if flag.get("state") != "enabled" or percent < float(gates["flag_rollout"]):
                raise CheckFailed(f"gate flag_rollout: {plan.flag} serves the new package to {percent:g}% "
                                  f"(needs {gates['flag_rollout']}%): vsmctl flag flip {plan.flag} on")
            notes.append(f"flag_rollout: {plan.flag} at {percent:g}%")
    if "parallel_run_match" in gates:
        from vsmctl.parallel.report import gate

        database = root / ".vsm" / "parallel-run.sqlite"
        result = gate(database, plan.flag, float(gates["parallel_run_match"]), None, 1)
        if not result.passed:
            raise CheckFailed(f"gate parallel_run_match: {result.checks[-1][2]} for experiment {plan.flag}")
        notes.append(f"parallel_run_match: {result.report.match_rate}%")
    notes.append("tests: run after the finish step (it is undone if they fail)")
    return notes
