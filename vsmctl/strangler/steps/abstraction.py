"""abstraction (branch by abstraction): protocols, adapters, facades, and the cut-over flag."""

from __future__ import annotations

from vsmctl.errors import InputError
from vsmctl.strangler.report import StepReport
from vsmctl.strangler.steps.base import Step, StepContext


class Abstraction(Step):
    name = "abstraction"

    def plan(self, ctx: StepContext) -> list[str]:
        refusal = getattr(ctx.backend, "abstraction_refusal", None)  # optional: a backend may know none
        reason = refusal(ctx.tree, ctx.plan) if refusal is not None else None
        if reason:
            raise InputError(reason)
        return [f"facade at {f.old_path}, routed by flag {ctx.plan.flag}" for f in ctx.plan.files] + [
            f"create flag {ctx.plan.flag} (off: the monolith's code)"]

    def apply(self, ctx: StepContext) -> StepReport:
        from vsmctl.events import now_iso
        from vsmctl.flags import changes
        from vsmctl.flags.store import FlagStore
        from vsmctl.workspace import Workspace

        report = ctx.backend.write_abstraction(ctx.tree, ctx.plan)
        store = FlagStore(Workspace(ctx.tree))
        if ctx.plan.flag not in store.current():
            flag = changes.cutover_flag(ctx.plan.flag, ctx.plan.package, now_iso())
            store.change(ctx.plan.flag, "created", changes.create(flag), ctx.actor,
                         f"branch by abstraction for {ctx.plan.package}: on = the extracted package")
        return report
