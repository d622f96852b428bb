"""One family of errors: each carries the one line a user sees and the exit code.

Exit codes: 0 ok, 1 a check failed or a gate is not met, 2 usage or input error.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_CHECK_FAILED = 1
EXIT_USAGE = 2


class VsmError(Exception):
    """An error with a message meant for the user; the CLI prints it as one line."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, exit_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code


class InputError(VsmError):
    """Bad input: a path, a file, an argument or a roadmap the user gave us."""


class RoadmapError(InputError):
    """roadmap.yaml does not follow its schema."""


class CheckFailed(VsmError):
    """A check or gate did not pass."""

    exit_code = EXIT_CHECK_FAILED
