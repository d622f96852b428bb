"""Which store observations go to: a PostgreSQL URL or a SQLite file, from `--store` or the
environment (VSMCTL_PARALLEL_STORE), else the workspace's `.vsm/parallel-run.sqlite`.

Standard library only: this runs inside the application, on an experiment's first recording.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

STORE_ENV = "VSMCTL_PARALLEL_STORE"


def is_postgres_url(store: object) -> bool:
    return isinstance(store, str) and store.startswith(("postgresql://", "postgres://"))


def configured_store() -> str | None:
    """The store named by the environment, if any."""
    return os.environ.get(STORE_ENV) or None


def recorder_for(store: str | os.PathLike[str] | None) -> Any:
    """A recorder writing to `store` (a PostgreSQL URL or a SQLite path; None: the workspace's)."""
    if is_postgres_url(store):
        from vsmctl.parallel.postgres_store import PostgresRecorder

        return PostgresRecorder(str(store))
    from vsmctl.parallel.recorder import SQLiteRecorder

    return SQLiteRecorder(store)


_DEFAULT: list[Any] = []
# Applied, in order, to the default recorder when it is made: vsmctl.metrics.enable() adds one that
# counts observations for Prometheus (the layers above parallel hook in here, parallel imports none).
RECORDER_WRAPPERS: list[Callable[[Any], Any]] = []


def default_recorder() -> Any:
    """The recorder of VSMCTL_PARALLEL_STORE (a PostgreSQL URL or a SQLite path), else the
    workspace's `.vsm/parallel-run.sqlite`; made on first use (again after a fork)."""
    if not _DEFAULT or _DEFAULT[0]._pid != os.getpid():
        recorder = recorder_for(configured_store())
        for wrap in RECORDER_WRAPPERS:
            recorder = wrap(recorder)
        _DEFAULT[:] = [recorder]
    return _DEFAULT[0]
