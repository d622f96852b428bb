"""What a roadmap is: target packages, phases with their gates, and the test command."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path

from vsmctl.roadmap.approaches import APPROACHES

__all__ = ["APPROACHES", "DEFAULT_CATEGORIES", "Gates", "Phase", "Roadmap", "TargetPackage"]

DEFAULT_CATEGORIES = ("support", "core", "subsystems", "applications")


@dataclass(frozen=True)
class Gates:
    """What must hold before `extract finish` removes old code; None: not asked for.

    Thresholds are typed on load (roadmap/loader.py): a misspelt gate or a bad value is a
    roadmap error, never silently ignored.
    """

    tests: str | None = None  # "pass": the monolith's tests pass after the finish step
    flag_rollout: float | None = None  # percent (0-100) of targeting keys the cut-over flag serves
    parallel_run_match: float | None = None  # percent (0-100) of parallel-run observations that matched
    latency_ratio: float | None = None  # candidate p95 / control p95, at most
    min_samples: int | None = None  # parallel-run observations, at least
    soak: float | None = None  # seconds the flag has served 100% (written as 30m, 24h, 7d)
    api_compatible: bool | None = None  # no breaking change in the moved modules' public API
    violations: int | None = None  # `vsmctl check` boundary violations, at most

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    def asked(self) -> dict[str, object]:
        """The gates the roadmap sets, by name."""
        return {name: getattr(self, name) for name in self.names() if getattr(self, name) is not None}


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
    namespace: str | None = None  # Elixir: the moved modules' new prefix (VsmTelemetry); None keeps names


@dataclass(frozen=True)
class Phase:
    name: str
    packages: tuple[str, ...] = ()
    description: str = ""
    gates: Gates = field(default_factory=Gates)


@dataclass(frozen=True)
class Roadmap:
    path: Path | None
    name: str
    packages: tuple[TargetPackage, ...]
    phases: tuple[Phase, ...] = ()
    categories: tuple[str, ...] = DEFAULT_CATEGORIES
    test_command: str | None = None
    monolith: str | None = None
    python: str | None = None  # the interpreter (or venv folder) that runs the test command
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

    def phase_of(self, package: str) -> Phase | None:
        return next((phase for phase in self.phases if package in phase.packages), None)

    @property
    def without_modules(self) -> tuple[TargetPackage, ...]:
        """Packages that name no modules (planned, not in the monolith yet): nothing measures or checks them."""
        return tuple(p for p in self.packages if not p.modules)
