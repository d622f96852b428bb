"""What a roadmap is: target packages, phases and the test command."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

APPROACHES = ("strangler", "abstraction")
DEFAULT_CATEGORIES = ("support", "core", "subsystems", "applications")


@dataclass(frozen=True)
class TargetPackage:
    name: str
    category: str
    depends_on: tuple[str, ...] = ()
    modules: tuple[str, ...] = ()
    approach: str = "strangler"
    description: str = ""
    path: str | None = None
    interface: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Phase:
    name: str
    packages: tuple[str, ...] = ()
    description: str = ""
    gates: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Roadmap:
    path: Path | None
    name: str
    packages: tuple[TargetPackage, ...]
    phases: tuple[Phase, ...] = ()
    categories: tuple[str, ...] = DEFAULT_CATEGORIES
    test_command: str | None = None
    monolith: str | None = None
    # tach's default: imports under `if TYPE_CHECKING:` never run, so they break no boundary
    ignore_type_checking_imports: bool = False

    def package(self, name: str) -> TargetPackage:
        for pkg in self.packages:
            if pkg.name == name:
                return pkg
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.packages)

    def rank(self, package: str) -> int:
        """Layer of a package: higher layers may depend on lower ones, never the reverse."""
        return self.categories.index(self.package(package).category)
