"""Which modules move where: the one fact every step and every language backend shares."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Moves:
    """old module -> new module; a module's submodules move with it."""

    mapping: dict[str, str]

    def new_name(self, module: str) -> str | None:
        if module in self.mapping:
            return self.mapping[module]
        parts = module.split(".")
        for i in range(len(parts) - 1, 0, -1):
            prefix = ".".join(parts[:i])
            if prefix in self.mapping:
                return self.mapping[prefix] + "." + ".".join(parts[i:])
        return None

    def reversed(self) -> Moves:
        return Moves({v: k for k, v in self.mapping.items()})
