"""Named points between the extraction's git operations, for fault-injection tests.

`VSMCTL_KILL_AT=step:move:after-merge` makes the process kill itself (SIGKILL: no cleanup, no
`finally`) when it reaches that point, as a crash or an operator's kill -9 would.
`VSMCTL_TRACE_POINTS=FILE` appends each point reached to FILE, so a test can list every point of
an uninterrupted run and then kill at each of them. Unset, a point costs one dict lookup.
"""

from __future__ import annotations

import os
import signal

KILL_AT = "VSMCTL_KILL_AT"
TRACE = "VSMCTL_TRACE_POINTS"


def point(name: str) -> None:
    trace = os.environ.get(TRACE)
    if trace:
        with open(trace, "a", encoding="utf-8") as handle:
            handle.write(name + "\n")
    if os.environ.get(KILL_AT) == name:
        os.kill(os.getpid(), signal.SIGKILL)
