"""The extraction as git steps: a migration branch, a separate worktree, one commit per step.

Each step is applied in the worktree, staged, tested with the roadmap's test command, recorded
as an event and committed there; only then does the user's checkout (on `vsm/extract/NAME`)
fast-forward to it. The branch is the state (strangler/state.py): a step is done exactly when
its commit is on the branch, so a kill anywhere leaves either the step's commit or nothing, and
`resume` redoes only what is missing.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from vsmctl.errors import CheckFailed, InputError
from vsmctl.events import EventLog
from vsmctl.gc_pause import gc_paused
from vsmctl.strangler import faults, state
from vsmctl.strangler.backend import backend_for
from vsmctl.strangler.background_imports import importing
from vsmctl.strangler.cutover import cold_cutover
from vsmctl.strangler.early_checkout import EarlyCheckout
from vsmctl.strangler.gitops import GitOps
from vsmctl.strangler.plan import ExtractionPlan, plan_from_dict, plan_to_dict
from vsmctl.strangler.report import StepReport
from vsmctl.strangler.state import ExtractionState
from vsmctl.strangler.steps import StepContext, sequence, step
from vsmctl.strangler.testrun import TestRun, find_interpreter, previous_count, run_tests
from vsmctl.workspace import scratch_writes

Progress = Callable[[str], None]


API_STEPS = ("move", "copy", "abstraction")
# vsmctl's own files that may be untracked when an extraction starts (`analyze` writes .vsm/.gitignore):
# the start commit takes them in, rather than refusing a "dirty" tree
ADOPTABLE = (".vsm/.gitignore",)


class StepFailed(CheckFailed):
    """The monolith's tests failed after a step; the step was undone."""


@dataclass(frozen=True)
class Options:
    test_command: str | None = None
    python: str | None = None  # the roadmap's `python:` (interpreter or venv) for the test command
    template: str | None = None
    no_shims: bool = False
    actor: str = "vsmctl"


class Extraction:
    def __init__(self, root: Path, progress: Progress | None = None) -> None:
        self.git = GitOps(root)
        self.root = self.git.root
        self.progress = progress or (lambda message: None)
        self._baseline: frozenset[str] | None = None  # tests failing before the extraction (pytest ids)
        self._test_command: str | None = None  # resume: the roadmap's test command now, if it changed
        self._warnings: list[str] = []  # what the user chose to go on despite (finish --force)

    # --- reading ------------------------------------------------------------------------------
    def load(self, name: str) -> ExtractionState:
        found = state.read_state(self.git, name)
        if found is None:
            raise InputError(f"no extraction of '{name}' (vsmctl extract status lists them)")
        return found

    def all_states(self) -> list[ExtractionState]:
        return state.all_states(self.git)

    # --- starting -----------------------------------------------------------------------------
    def preflight(self, plan: ExtractionPlan, steps: list[str], template: str | None) -> None:
        """Every step's plan, before anything is written: a step that cannot run refuses now."""
        ctx = StepContext(self.root, plan, backend_for(plan.language), template)
        for name in steps:
            step(name).plan(ctx)

    def start(self, plan: ExtractionPlan, options: Options, prepared: EarlyCheckout | None = None) -> ExtractionState:
        """`prepared`: the worktree's checkout, begun while planning (early_checkout)."""
        adopted = self.git.check_clean(adopt=ADOPTABLE)
        branch = state.branch_of(plan.package)
        existing = state.read_state(self.git, plan.package)
        if existing is not None and not existing.rolled_back:
            raise InputError(f"'{plan.package}' is {existing.describe()} (vsmctl extract status {plan.package}; "
                             "roll it back to start over)")
        steps = sequence(plan.mode, options.no_shims)
        self.preflight(plan, steps, options.template)
        with state.running(self.git, plan.package):
            if existing is not None:
                # a rolled-back attempt: its branch (with the rollback event) is kept under another name
                self.git.rename_branch(branch, f"{branch}--rolled-back-{time.strftime('%Y%m%d%H%M%S')}")
            base_branch = self.git.current_branch()
            base_commit = self.git.tip("HEAD")
            with importing(self._libraries(plan, steps)):  # while git checks out the whole monolith
                self._head_start(plan, base_commit, steps, options.template, prepared)
                wt = self.git.worktree(plan.package, base_commit, "start:after-worktree", prepared)
            event = EventLog(Path(wt.working_tree_dir) / ".vsm" / "events.jsonl").append(
                "extract.started", {"package": plan.package, "mode": plan.mode, "steps": steps,
                                    "base_branch": base_branch, "base_commit": base_commit,
                                    "plan": plan_to_dict(plan), "template": options.template,
                                    "test_command": options.test_command, "python": options.python,
                                    "adopted": adopted},
                options.actor)
            for rel in adopted:  # vsmctl's own files (analyze's .vsm/.gitignore) join the start commit
                shutil.copy2(self.root / rel, Path(wt.working_tree_dir) / rel)
            commit = self.git.commit(wt, state.message(plan.package, f"started ({plan.mode})", plan.mode,
                                                       state.START, event.id), "start:after-commit", adopted)
            # the branch appears with its start commit: from here on, status knows the extraction
            self.git.create_branch(branch, commit, "start:after-branch")
            for rel in adopted:  # the same bytes are in the branch: checkout would refuse the untracked copy
                (self.root / rel).unlink()
            self.git.checkout(branch, "start:after-checkout")
            return self._run(plan.package, [], options.actor)

    def _head_start(self, plan: ExtractionPlan, base_commit: str, steps: list[str], template: str | None,
                    prepared: EarlyCheckout | None) -> None:
        """The steps' work that needs only the files (each step's `ahead`, a backend's optional
        `head_start`), done from the user's checkout while git still checks out the worktree; not
        worth it without that wait. A step uses what was done ahead only for the same input."""
        if prepared is None:
            return
        backend = backend_for(plan.language)
        ctx = StepContext(self.root, plan, backend, template)
        with gc_paused():
            for name in steps:
                step(name).ahead(ctx)
            head_start = getattr(backend, "head_start", None)
            if head_start is not None:
                head_start(self.root, plan, base_commit)

    @staticmethod
    def _libraries(plan: ExtractionPlan, steps: list[str]) -> list[str]:
        backend = backend_for(plan.language)
        return [*getattr(backend, "libraries", ()), *(name for s in steps for name in step(s).libraries)]

    def resume(self, name: str, actor: str = "vsmctl", test_command: str | None = None) -> ExtractionState:
        """Go on from the first missing step; `test_command`: the roadmap's now (a step refused because
        tests went out of the command's reach is resumed with the command that reaches them)."""
        current = self.load(name)
        self._test_command = test_command
        if current.status not in ("interrupted",):
            raise InputError(f"'{name}' is {current.describe()}: nothing to resume")
        with state.running(self.git, name):
            return self._run(name, [], actor)

    def _run(self, name: str, extra_steps: list[str], actor: str) -> ExtractionState:
        current = self.load(name)
        if self.git.current_branch() != current.branch:
            # killed between the start commit and the checkout: the branch holds vsmctl's adopted files
            for rel in self.git.check_clean(adopt=current.adopted):
                (self.root / rel).unlink()
            self.git.checkout(current.branch, "run:after-checkout")
        self.git.check_clean()
        plan = plan_from_dict(current.plan)
        todo = current.remaining + [s for s in extra_steps if current.commit_of(s) is None]
        total = len(current.steps) + len(extra_steps)
        for name_ in todo:
            self._step(current, plan, name_, total, actor)
        return self.load(name)

    def _step(self, current: ExtractionState, plan: ExtractionPlan, name: str, total: int, actor: str) -> None:
        number = [*current.steps, "finish"].index(name) + 1
        head = f"step {number}/{total}: {name}"
        self.progress(head)
        started = time.perf_counter()
        wt = self.git.worktree(current.name, self.git.tip(current.branch), f"step:{name}:after-worktree")
        tree = Path(wt.working_tree_dir)
        backend = backend_for(plan.language)
        # the step is durable as its commit, not file by file; its parses make no garbage cycles
        with scratch_writes(), gc_paused():
            report = step(name).apply(StepContext(tree, plan, backend, current.template, actor))
        stamp = getattr(backend, "stamp_version", None)  # optional: a version that follows the package's contents
        if stamp is not None:
            report.merge(stamp(tree, plan))
        faults.point(f"step:{name}:after-apply")
        self.git.stage(wt, f"step:{name}:after-stage")
        tests = self._tested(current, plan, tree, wt, name)
        origins = ", ".join(f"{m} from {o}" for m, o in sorted(tests.origins.items())) or "nothing to probe"
        ran = f"{tests.ran} test(s) " if tests.ran is not None else "tests "
        self.progress(f"{head}: {ran}passed in {tests.seconds:.1f} s with "
                      f"{tests.interpreter.describe()}; code under test: {origins}")
        self._report(head, report)
        # only the steps that write the new package's code can change its API (griffe: ~1 s a step on
        # a large package); finish compares again before anything is removed
        breaking = self._api_changes(current, plan, tree) if name in API_STEPS else None
        if breaking is not None:
            self.progress(f"{head}: public API of the moved code: " + (
                f"{len(breaking)} breaking change(s) (griffe): " + "; ".join(breaking) if breaking
                else "no breaking change (griffe)"))
        self.progress(f"{head}: {time.perf_counter() - started:.1f} s, of which tests {tests.seconds:.1f} s")
        event = EventLog(tree / ".vsm" / "events.jsonl").append(f"extract.{name}", {
            "package": plan.package, "mode": plan.mode, "step": name, "number": number,
            "files": sorted(set(report.changed_files)), "uncertain_strings": report.uncertain_strings,
            "rewritten_strings": report.rewritten_strings, "doc_references": report.doc_references,
            "notes": report.notes, "warnings": list(self._warnings), "test_seconds": round(tests.seconds, 3),
            "tests_ran": tests.ran, "python": tests.interpreter.path, "code_under_test": tests.origins,
            "breaking_changes": breaking}, actor)
        commit = self.git.commit(wt, state.message(plan.package, f"step {number}/{total} {name}", plan.mode,
                                                   name, event.id), f"step:{name}:after-commit")
        # only now does the user's checkout change, and the step is done
        self.git.fast_forward(commit, f"step:{name}:after-merge")

    def _tested(self, current: ExtractionState, plan: ExtractionPlan, tree: Path, wt: Any, name: str) -> TestRun:
        """The step's tests, passed: no test that passed before fails now, and no fewer ran than at the
        step before (tests moved out of the test command's reach are tests that no longer ran)."""
        interpreter = find_interpreter(self.root, current.python)
        tests = run_tests(tree, self._test_command or current.test_command, plan, interpreter)
        if not tests.passed and self._only_known_failures(current, plan, tests):
            tests = replace(tests, passed=True)
        if not tests.passed:
            GitOps.undo(wt)
            raise StepFailed(f"the tests failed after step '{name}', which was undone:\n{tests.output}")
        before = previous_count(tree, plan.package)
        if tests.ran is not None and before is not None and tests.ran < before[1]:
            GitOps.undo(wt)
            raise StepFailed(
                f"step '{name}' was undone: its tests ran {tests.ran} test(s), {before[1]} after step '{before[0]}': "
                f"{before[1] - tests.ran} went out of the test command's reach (tests inside the moved package?); "
                f"make roadmap.yaml's test_command run them in {plan.package_dir} too, commit, then "
                f"`vsmctl extract resume {plan.package}`")
        return tests

    def _api_changes(self, current: ExtractionState, plan: ExtractionPlan, tree: Path) -> list[str] | None:
        """Breaking changes of the moved code's public API since the base commit (None: this
        language's backend cannot tell)."""
        compare = getattr(backend_for(plan.language), "api_changes", None)
        if compare is None:
            return None
        with gc_paused():
            return list(compare(self.root, current.base_commit, tree, plan))

    def _report(self, head: str, report: StepReport) -> None:
        """What the user must know of a step, printed (the event log keeps it too): strings naming
        moved code, rewritten or left for the user (finish waits for these), the step's notes, and
        documentation that names the moved modules."""
        for file, line, old, new in sorted(set(report.rewritten_strings)):
            self.progress(f"{head}: rewrote {file}:{line}: {old} -> {new}")
        for file, line, value in sorted(set(report.uncertain_strings)):
            self.progress(f"{head}: not sure, left as it is: {file}:{line}: {value} (names moved code)")
        for note in report.notes:
            self.progress(f"{head}: note: {note}")
        for file, line, text in sorted(set(report.doc_references)):
            self.progress(f"{head}: documentation names moved code (edit it yourself): {file}:{line}: {text}")
        for warning in self._warnings:
            self.progress(f"{head}: warning: {warning}")

    def _only_known_failures(self, current: ExtractionState, plan: ExtractionPlan, tests: TestRun) -> bool:
        """pytest: a step passes when no test that passed before the extraction fails now. The
        failures before it are found once (the base commit, in a throw-away worktree) and printed once."""
        if tests.failed is None or not tests.failed:
            return False
        if self._baseline is None:
            self._baseline = self._failures_at_base(current, plan)
            if self._baseline:
                self.progress(f"{len(self._baseline)} test(s) failed before the extraction already (not counted "
                              f"against any step): {', '.join(sorted(self._baseline))}")
        return tests.failed <= self._baseline

    def _failures_at_base(self, current: ExtractionState, plan: ExtractionPlan) -> frozenset[str]:
        import tempfile

        folder = Path(tempfile.mkdtemp(prefix="vsmctl-baseline-"))
        tree = folder / "tree"
        self.git.repo.git.worktree("add", "--detach", str(tree), current.base_commit)
        try:
            before = run_tests(tree, self._test_command or current.test_command, plan,
                               find_interpreter(self.root, current.python))
            return before.failed or frozenset()
        finally:
            self.git.repo.git.worktree("remove", "--force", str(tree))
            shutil.rmtree(folder, ignore_errors=True)

    # --- finishing ----------------------------------------------------------------------------
    def finish(self, name: str, check_gates: Callable[[ExtractionPlan, list[str] | None], list[Any]],
               actor: str = "vsmctl", allow_breaking: bool = False, force: bool = False
               ) -> tuple[ExtractionState, list[Any]]:
        current = self.load(name)
        if current.status != "done":
            raise InputError(f"'{name}' is {current.describe()}: only a completed extraction can be finished")
        elsewhere = self.git.current_branch() != current.branch
        if elsewhere:
            self._can_carry_forward(current)
        self.git.check_clean()
        if elsewhere:
            self._carry_forward(current)
        plan = plan_from_dict(current.plan)
        stale = getattr(backend_for(plan.language), "stale_references", None)
        left = stale(self.root, plan) if stale is not None else []
        if left:
            raise CheckFailed("finish would remove modules that these still name (fix them, commit, finish again): "
                              + "; ".join(f"{file}:{line}: {value}" for file, line, value in left))
        breaking = self._api_changes(current, plan, self.root)
        if breaking and not allow_breaking:
            raise CheckFailed(f"the moved code's public API has {len(breaking)} breaking change(s) since the "
                              "extraction began (griffe): " + "; ".join(breaking) + "; fix them, or pass "
                              "--allow-breaking to finish anyway")
        results = check_gates(plan, breaking)
        cold = cold_cutover(self.root, plan)
        if cold is not None and not force:
            raise CheckFailed(f"{cold}: finish removes the old code; flip the flag on first (vsmctl flag flip "
                              f"{plan.flag} on), or pass --force to finish anyway")
        self._warnings = [cold] if cold is not None else []
        with state.running(self.git, name):
            return self._run(name, ["finish"], actor), results

    def _can_carry_forward(self, current: ExtractionState) -> None:
        """Finishing from the branch of an extraction made on top of this one (chained
        extractions) carries this branch forward; from any other branch, the user must move."""
        here = self.git.current_branch()
        if not (here or "").startswith(state.BRANCH_PREFIX) or not self.git.is_ancestor(current.branch, "HEAD"):
            raise InputError(f"check out {current.branch} first (you are on {here or 'a detached HEAD'}, which does "
                             f"not hold all of {current.name}'s steps)")

    def _carry_forward(self, current: ExtractionState) -> None:
        """This branch fast-forwarded to the one checked out (which holds all its steps) and checked
        out: the finish keeps both extractions."""
        here = self.git.current_branch()
        self.git.set_branch(current.branch, self.git.tip("HEAD"), "finish:after-carry-forward")
        self.git.checkout(current.branch, "finish:after-carry-checkout")
        self.progress(f"{current.branch} fast-forwarded to {here} (extracted on top of it) and checked out")

    # --- rolling back -------------------------------------------------------------------------
    def rollback(self, name: str, to_step: str | None = None, actor: str = "vsmctl", force: bool = False) -> str:
        """Back to before the extraction (the base branch, untouched) or to before `to_step`."""
        current = self.load(name)
        if current.rolled_back:
            raise InputError(f"'{name}' was rolled back already")
        self.git.check_clean(adopt=current.adopted)  # still untracked (a kill before the checkout): kept
        full = to_step is None or to_step == current.steps[0]
        target = current.start_commit if full else self._before(current, str(to_step))
        self._refuse_dropping_user_commits(current, target, force)
        with state.running(self.git, name):
            if full:
                return self._rollback_all(current, actor)
            return self._rollback_to(current, str(to_step), target, actor)

    def _before(self, current: ExtractionState, to_step: str) -> str:
        commit = current.commit_of(to_step)
        if commit is None:
            done = ", ".join(d.step for d in current.done) or "none"
            raise InputError(f"step '{to_step}' of {current.name} was not done (done: {done})")
        return str(self.git.repo.commit(commit).parents[0].hexsha)

    def _refuse_dropping_user_commits(self, current: ExtractionState, target: str, force: bool) -> None:
        """Commits someone made on the migration branch after the target are not vsmctl's to drop."""
        ancestors = {c.hexsha for c in self.git.repo.iter_commits(target)}
        dropped = [c for c in current.foreign if c not in ancestors]
        if dropped and not force:
            names = ", ".join(f"{c[:8]} {self.git.repo.commit(c).summary!s}" for c in dropped)
            raise InputError(f"rolling back would drop commit(s) you made on {current.branch}: {names}; "
                             "move them elsewhere (git cherry-pick) or pass --force")

    def _rollback_to(self, current: ExtractionState, to_step: str, target: str, actor: str) -> str:
        wt = self.git.worktree(current.name, target, "rollback:after-worktree")
        event = EventLog(Path(wt.working_tree_dir) / ".vsm" / "events.jsonl").append(
            "extract.rolled_back", {"package": current.name, "to": f"before {to_step}", "commit": target}, actor)
        commit = self.git.commit(wt, state.message(current.name, f"rolled back to before {to_step}", current.mode,
                                                   state.ROLLBACK, event.id, {"vsmctl-rollback-to": to_step}),
                                 "rollback:after-commit")
        if self.git.current_branch() == current.branch:
            self.git.reset_checkout(commit, "rollback:after-reset")
        else:
            self.git.set_branch(current.branch, commit, "rollback:after-reset")
        return event.id

    def _rollback_all(self, current: ExtractionState, actor: str) -> str:
        # the user's tree goes back to the base branch, byte for byte; the branch keeps the record
        if self.git.current_branch() != current.base_branch:
            self.git.checkout(current.base_branch, "rollback:after-checkout")
        wt = self.git.worktree(current.name, self.git.tip(current.branch), "rollback:after-worktree")
        event = EventLog(Path(wt.working_tree_dir) / ".vsm" / "events.jsonl").append(
            "extract.rolled_back", {"package": current.name, "to": "start", "base": current.base_commit}, actor)
        commit = self.git.commit(wt, state.message(current.name, "rolled back", current.mode, state.ROLLBACK,
                                                   event.id, {"vsmctl-rollback-to": state.START}),
                                 "rollback:after-commit")
        self.git.set_branch(current.branch, commit, "rollback:after-branch")
        self.git.remove_worktree(current.name)
        for rel in current.adopted:  # untracked again, as they were before the extraction
            if not (self.root / rel).exists():
                (self.root / rel).parent.mkdir(parents=True, exist_ok=True)
                (self.root / rel).write_text(self.git.repo.git.show(f"{current.start_commit}:{rel}",
                                                                    strip_newline_in_stdout=False), encoding="utf-8")
        return event.id

    # --- trying ------------------------------------------------------------------------------
    def dry_run(self, plan: ExtractionPlan, template: str | None = None, no_shims: bool = False) -> str:
        """Every step in a throw-away worktree; the full diff, nothing written to the user's tree."""
        import tempfile

        import git

        self.git.check_clean(adopt=ADOPTABLE)
        steps = sequence(plan.mode, no_shims)
        self.preflight(plan, steps, template)
        folder = Path(tempfile.mkdtemp(prefix="vsmctl-dry-run-"))
        tree = folder / "tree"
        self.git.repo.git.worktree("add", "--detach", str(tree), "HEAD")
        try:
            wt = git.Repo(tree)
            with scratch_writes():
                for name in steps:
                    step(name).apply(StepContext(tree, plan, backend_for(plan.language), template))
            wt.git.add("-A")
            return str(wt.git.diff("--cached", "HEAD", "--stat")) + "\n\n" + str(wt.git.diff("--cached", "HEAD"))
        finally:
            self.git.repo.git.worktree("remove", "--force", str(tree))
            shutil.rmtree(folder, ignore_errors=True)
