"""The decorated experiment's call, specialised once at decoration time for the common case: one
candidate, sync, no timeout, random order, no context, a plain percentage, positional arguments
of plain immutable types (int, float, str, bytes, bool, None) or none.

Everything on the way is inlined in one closure (a Python call costs about as much as the whole
bookkeeping of a match, see BENCHMARKS.md): the sampling decision, both calls in an order taken
from the last bit of the first clock reading, the comparison, and a plain match put on the
recorder's queue as a 5-tuple. Anything else (an exception on either side, a difference, a
failing comparison, other arguments) goes to the general path it is given, which decides and records
it exactly as before. Standard library only.
"""

from __future__ import annotations

import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any


def lean_runner(cfg: Any, control: Callable[..., Any], candidate: Callable[..., Any], cand_name: str, share: float,
                settle: Callable[..., None], conduct: Callable[..., Any]) -> Callable[..., Any]:
    """`settle(cfg, cand_name, cvalue, cexc, cns, dvalue, dexc, dns)` records an observation that is
    not a plain match; `conduct(cfg, control, args, kwargs, candidates)` runs a call with arguments
    (they may need copies for the candidate)."""
    if share <= 0.0:
        def never(*args: Any, **kwargs: Any) -> Any:
            return control(*args, **kwargs)

        return never
    observe = _observer(cfg, control, candidate, cand_name, settle)
    from random import random

    always = share >= 1.0

    def run(*args: Any, **kwargs: Any) -> Any:
        if not always and random() >= share:
            return control(*args, **kwargs)
        if kwargs:
            return conduct(cfg, control, args, kwargs, [(cand_name, candidate, args, kwargs)])
        for arg in args:  # only values nothing can change go the lean way: no copies needed
            if type(arg) not in _PLAIN:
                return conduct(cfg, control, args, kwargs, [(cand_name, candidate, args, kwargs)])
        return observe(args)

    return run


# exact types (not subclasses, which may carry mutable state): the same object can go to both sides
_PLAIN = frozenset((int, float, str, bytes, bool, type(None)))


def _observer(cfg: Any, control: Callable[..., Any], candidate: Callable[..., Any], cand_name: str,
              settle: Callable[..., None]) -> Callable[[tuple[Any, ...]], Any]:
    perf, wall = time.perf_counter_ns, time.time
    name = cfg.name

    def observe(args: tuple[Any, ...]) -> Any:
        cexc = dexc = cvalue = dvalue = None
        # the same two orders as experiment._conduct_one, written out here too: a shared helper costs a call
        t0 = perf()
        if t0 & 1:  # the clock's last bit: random enough for an order, and already paid for
            try:
                cvalue = control(*args)
            except KeyboardInterrupt:
                raise
            except BaseException as exc:
                cexc = exc
            t1 = perf()
            try:
                dvalue = candidate(*args)
            except KeyboardInterrupt:
                raise
            except BaseException as exc:
                dexc = exc
            t2 = perf()
            cns, dns = t1 - t0, t2 - t1
        else:
            try:
                dvalue = candidate(*args)
            except KeyboardInterrupt:
                raise
            except BaseException as exc:
                dexc = exc
            t1 = perf()
            try:
                cvalue = control(*args)
            except KeyboardInterrupt:
                raise
            except BaseException as exc:
                cexc = exc
            t2 = perf()
            dns, cns = t1 - t0, t2 - t1
        if cexc is None and dexc is None:
            try:
                compare = cfg.compare
                if bool(cvalue == dvalue if compare is None else compare(cvalue, dvalue)):
                    recorder = cfg.recorder
                    if recorder is not None:
                        recorder.record((name, wall(), cns, cand_name, dns))
                        return cvalue
            except BaseException:  # decided again, guarded, on the general path
                pass
        settle(cfg, cand_name, cvalue, cexc, cns, dvalue, dexc, dns)
        if cexc is not None:
            raise cexc
        return cvalue

    return observe
