"""The queue between a caller's hot path and a background writer (recorders, metrics).

The caller puts items with the queue's own `put` (one C call); the writer wakes now and then and
takes what has arrived with `drain`. A flush is a `(FLUSH, event)` pair on the same queue, so it is
answered only after everything queued before it. Standard library only, and nothing loaded at
import (queue and threading come with the first writer), to keep `import vsmctl.parallel` cheap.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    import threading
    from collections.abc import Callable, Iterator
    from typing import Any

FLUSH = object()  # first half of a flush request: (FLUSH, threading.Event)


def drain(get_nowait: Callable[[], Any], on_flush: Callable[[threading.Event], Any],
          limit: int | None = None) -> Iterator[Any]:
    """Yield what is queued now (at most `limit` items); flush requests go to `on_flush` instead."""
    from queue import Empty

    taken = 0
    while limit is None or taken < limit:
        try:
            item = get_nowait()
        except Empty:
            return
        if len(item) == 2 and item[0] is FLUSH:
            on_flush(item[1])
            continue
        taken += 1
        yield item


def request_flush(put: Callable[[Any], None], wake: threading.Event, timeout: float) -> bool:
    """Queue a flush request, wake the writer, and wait (at most `timeout`) for it to be answered."""
    import threading

    done = threading.Event()
    put((FLUSH, done))
    wake.set()
    return done.wait(timeout)
