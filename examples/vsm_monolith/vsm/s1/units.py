"""Operational units."""

from __future__ import annotations

from dataclasses import dataclass, field

from vsm.core.types import Message, Resource


@dataclass
class OperationalUnit:
    name: str
    resources: dict[str, Resource] = field(default_factory=dict)
    done: int = 0

    def handle(self, message: Message) -> Message | None:
        if message.kind != "work":
            return None
        cost = float(message.payload.get("cost", 1.0))
        resource = self.resources.get(message.payload.get("resource", "cpu"))
        if resource is None or resource.free < cost:
            return Message(self.name, message.source, "rejected", {"cost": cost})
        resource.used += cost
        self.done += 1
        return Message(self.name, message.source, "done", {"cost": cost})
