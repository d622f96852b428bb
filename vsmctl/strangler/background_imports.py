"""The libraries the steps will need, imported while the process only waits on git.

Making the migration worktree is a git checkout of the whole monolith (a large one: seconds on a
busy machine), during which vsmctl has nothing to do; copier alone takes a quarter of a second to
import. Each step class and the language's backend name what they import (`libraries`); they load
in a thread meanwhile. The thread is joined before the caller goes on, so imports never run in two
threads at once (two threads importing modules that import each other could see a half-made one).
"""

from __future__ import annotations

import contextlib
import importlib
import sys
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager


@contextmanager
def importing(modules: Iterable[str]) -> Iterator[None]:
    """Import `modules` in the background for as long as the block runs, then wait for them."""
    names = [name for name in dict.fromkeys(modules) if name not in sys.modules]
    thread = threading.Thread(target=_import_all, args=(names,), name="vsmctl-imports", daemon=True)
    thread.start()
    try:
        yield
    finally:
        thread.join()


def _import_all(names: list[str]) -> None:
    for name in names:
        # a library that fails to load: the step's own import says so, where it matters
        with contextlib.suppress(Exception):
            importlib.import_module(name)
