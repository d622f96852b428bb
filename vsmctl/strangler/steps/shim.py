"""shim (strangler fig): the old paths stand for the new modules, warning once."""

from __future__ import annotations

from vsmctl.strangler.report import StepReport
from vsmctl.strangler.steps.base import Step, StepContext


class Shim(Step):
    name = "shim"

    def plan(self, ctx: StepContext) -> list[str]:
        return [f"shim {f.old_path} -> {f.new_module}" for f in ctx.plan.files]

    def apply(self, ctx: StepContext) -> StepReport:
        return ctx.backend.write_shims(ctx.tree, ctx.plan)
