"""copy (branch by abstraction): the modules are written to the new package; the old ones stay."""

from __future__ import annotations

from vsmctl.strangler.report import StepReport
from vsmctl.strangler.steps.base import Step, StepContext


class Copy(Step):
    name = "copy"

    def plan(self, ctx: StepContext) -> list[str]:
        return [f"copy {old} -> {new}" for old, new in sorted(ctx.plan.moves.mapping.items())]

    def apply(self, ctx: StepContext) -> StepReport:
        return ctx.backend.move_modules(ctx.tree, ctx.plan, keep_old=True)
