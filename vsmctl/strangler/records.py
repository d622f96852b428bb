"""What each step of an extraction did, read back from its event: files, strings, notes, tests.

The event log on the migration branch is the record (every step's event is in its commit);
`extract subsystem|resume|finish --json` print these, so nothing a step reports is only logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vsmctl.strangler.gitops import GitOps
from vsmctl.strangler.state import ExtractionState, event_data


@dataclass(frozen=True)
class StepRecord:
    step: str
    commit: str
    event: str
    data: dict[str, Any]  # the step's event data: files, uncertain/rewritten strings, notes, warnings, tests


def records_of(git: GitOps, state: ExtractionState) -> list[StepRecord]:
    log = git.show(git.tip(state.branch), ".vsm/events.jsonl") if state.done else ""
    return [StepRecord(d.step, d.commit, d.event, event_data(log, d.event) or {}) for d in state.done]
