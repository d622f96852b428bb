"""What an extraction step is: a name, `plan` (what it will do; refuses before anything is
written) and `apply` (the change, in a worktree; the runner tests and commits it)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from vsmctl.strangler.backend import CodemodBackend
from vsmctl.strangler.plan import ExtractionPlan
from vsmctl.strangler.report import StepReport


@dataclass(frozen=True)
class StepContext:
    """Everything a step may use, in one place (as libcst's CodemodContext)."""

    tree: Path  # the worktree the step changes
    plan: ExtractionPlan
    backend: CodemodBackend
    template: str | None = None
    actor: str = "vsmctl"


class Step:
    name: ClassVar[str]
    # slow imports of `apply`: loaded while git checks out the worktree (background_imports)
    libraries: ClassVar[tuple[str, ...]] = ()

    def plan(self, ctx: StepContext) -> list[str]:
        """What this step will do, in lines; raises InputError when it cannot be done."""
        raise NotImplementedError

    def apply(self, ctx: StepContext) -> StepReport:
        raise NotImplementedError

    def ahead(self, ctx: StepContext) -> None:
        """Optional: what `apply` can prepare from the files alone, while git checks out the worktree
        (`ctx.tree` is then the user's checkout, at the same commit). `apply` must use it only for
        the same input, and do the work itself otherwise."""
