"""Parallel run in code: `from vsmctl.parallel import experiment, Experiment`.

Standard library only at import (sqlite3, random and threads load on first use): the control
keeps serving, the candidate runs beside it, observations go to `.vsm/parallel-run.sqlite`.
"""

from vsmctl.parallel.experiment import Experiment, experiment
from vsmctl.parallel.recorder import MemoryRecorder, SQLiteRecorder, default_recorder

__all__ = ["Experiment", "MemoryRecorder", "SQLiteRecorder", "default_recorder", "experiment"]
