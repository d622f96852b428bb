"""Parallel run in code: `from vsmctl.parallel import experiment, Experiment`.

Standard library only at import (sqlite3, random and threads load on first use): the control
keeps serving, the candidate runs beside it, observations go to `.vsm/parallel-run.sqlite`, or
to the store VSMCTL_PARALLEL_STORE names (a PostgreSQL URL for a fleet).
"""

from vsmctl.parallel.experiment import Experiment, experiment
from vsmctl.parallel.recorder import MemoryRecorder, SQLiteRecorder
from vsmctl.parallel.store_choice import default_recorder

__all__ = ["Experiment", "MemoryRecorder", "SQLiteRecorder", "default_recorder", "experiment"]
