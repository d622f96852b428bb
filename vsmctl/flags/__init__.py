"""Feature flags for running code: `from vsmctl.flags import Flags`.

Importing this costs milliseconds: it pulls in the standard library only. The CLI side
(`vsmctl.flags.store`, `vsmctl.flags.export`) loads only when a `vsmctl flag` command runs.
"""

from vsmctl.flags.client import Flags
from vsmctl.flags.evaluation import Evaluation, bucket
from vsmctl.flags.model import DEFAULT, DISABLED, ERROR, SPLIT, STATIC, TARGETING_MATCH, FlagError
from vsmctl.flags.targeting import ASGIMiddleware, WSGIMiddleware, current_key, reset_key, set_key, targeting

__all__ = ["DEFAULT", "DISABLED", "ERROR", "SPLIT", "STATIC", "TARGETING_MATCH", "ASGIMiddleware", "Evaluation",
           "FlagError", "Flags", "WSGIMiddleware", "bucket", "current_key", "reset_key", "set_key", "targeting"]
