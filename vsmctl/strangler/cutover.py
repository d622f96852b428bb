"""What `finish` of a branch by abstraction does to traffic: the warning when the new code serves none.

`finish` removes the facades: every call goes to the extracted package from then on. With the
cut-over flag at 0% that package never served a request (or serves none now), and no gate of the
roadmap may ask for a rollout, so nothing else would stop it; `finish` refuses unless forced.
"""

from __future__ import annotations

from pathlib import Path

from vsmctl.strangler.plan import ExtractionPlan


def cold_cutover(root: Path, plan: ExtractionPlan) -> str | None:
    """The warning when finishing would send all traffic to code at 0% (None: it serves some, or strangler)."""
    from vsmctl.gates.evaluate import rollout_percent
    from vsmctl.gates.evidence import current, flag_histories

    if plan.mode != "abstraction":
        return None  # the strangler fig's moved code has served every call since the move step
    history = flag_histories(root).get(plan.flag, ())
    if rollout_percent(current(history)) > 0:
        return None
    if any(rollout_percent(event.after) > 0 for event in history):
        return (f"all traffic moves to code that serves none now: flag {plan.flag} is at 0% (it was on before, "
                "then turned back off)")
    return f"all traffic moves to code that never served: flag {plan.flag} is at 0%"
