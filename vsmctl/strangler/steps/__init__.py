"""The extraction steps, one class per file, and the sequence each approach runs.

A new step is a new file with a `Step` subclass, listed in REGISTRY and in the sequences that use it.
"""

from __future__ import annotations

from vsmctl.errors import InputError
from vsmctl.strangler.steps.abstraction import Abstraction
from vsmctl.strangler.steps.base import Step, StepContext
from vsmctl.strangler.steps.copy import Copy
from vsmctl.strangler.steps.finish import Finish
from vsmctl.strangler.steps.move import Move
from vsmctl.strangler.steps.scaffold import Scaffold
from vsmctl.strangler.steps.shim import Shim

REGISTRY: dict[str, Step] = {step.name: step for step in (Scaffold(), Move(), Copy(), Shim(), Abstraction(),
                                                          Finish())}
SEQUENCES = {"strangler": ("scaffold", "move", "shim"), "abstraction": ("scaffold", "copy", "abstraction")}


def sequence(mode: str, no_shims: bool = False) -> list[str]:
    steps = list(SEQUENCES[mode])
    if no_shims and "shim" in steps:
        steps.remove("shim")
    return steps


def step(name: str) -> Step:
    try:
        return REGISTRY[name]
    except KeyError:
        raise InputError(f"unknown step {name} (steps: {', '.join(REGISTRY)})") from None


__all__ = ["REGISTRY", "SEQUENCES", "Step", "StepContext", "sequence", "step"]
