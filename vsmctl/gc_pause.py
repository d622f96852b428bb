"""Pausing the cyclic garbage collector around work that allocates much and makes few cycles."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building large, mostly acyclic data.

    An analysis, or an extraction step's parses (ast and libcst trees), allocates hundreds of
    thousands of small objects that reference counting frees; the collector's repeated passes over
    them (and over every library the process has loaded) cost 10-20% of the run for nothing. The
    few cycles made meanwhile are collected once it runs again.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
