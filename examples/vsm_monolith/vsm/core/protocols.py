"""Protocols that define the boundaries between subsystems."""

from __future__ import annotations

from typing import Protocol

from vsm.core.types import Message


class Subsystem(Protocol):
    name: str

    def handle(self, message: Message) -> Message | None: ...


class Sink(Protocol):
    def emit(self, name: str, value: float) -> None: ...
