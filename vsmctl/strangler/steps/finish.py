"""finish: the old code goes (shims, or facades and legacy modules), once the gates hold."""

from __future__ import annotations

from vsmctl.strangler.report import StepReport
from vsmctl.strangler.steps.base import Step, StepContext


class Finish(Step):
    name = "finish"

    def plan(self, ctx: StepContext) -> list[str]:
        return [f"remove {f.old_path}" for f in ctx.plan.files]

    def apply(self, ctx: StepContext) -> StepReport:
        return ctx.backend.remove_old(ctx.tree, ctx.plan)
