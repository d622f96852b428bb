"""move (strangler fig): the modules go to the new package; every import of them follows."""

from __future__ import annotations

from vsmctl.strangler.report import StepReport
from vsmctl.strangler.steps.base import Step, StepContext


class Move(Step):
    name = "move"

    def plan(self, ctx: StepContext) -> list[str]:
        return [f"move {old} -> {new}" for old, new in sorted(ctx.plan.moves.mapping.items())] + [
            f"rewrite the imports of {len(ctx.plan.importers)} file(s)"]

    def apply(self, ctx: StepContext) -> StepReport:
        return ctx.backend.move_modules(ctx.tree, ctx.plan, keep_old=False)
