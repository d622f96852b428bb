"""A warning logged once per distinct message: runtime code must not flood a serving process's
log when the same problem repeats on every call."""

from __future__ import annotations


class LogOnce:
    def __init__(self, logger: str) -> None:
        self.logger = logger
        self.seen: set[str] = set()

    def __call__(self, message: str) -> None:
        if message in self.seen:
            return
        self.seen.add(message)
        import logging  # only when there is something to say: logging costs milliseconds to import

        logging.getLogger(self.logger).warning(message)
