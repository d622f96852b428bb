"""The language seam of the analysis: a frontend per language turns a folder into one ModuleGraph.

Everything after the graph (metrics, cycles, the roadmap's packages, check rules, proposals,
renderers) is language-blind. A frontend is found by `frontends.frontend_for`; the cache keys
on what `discover` returns, so an unchanged tree never reaches `build`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from vsmctl.analysis.model import ModuleGraph

# (stage, done, total): how a long build reports progress; the CLI draws it, tests ignore it.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class SourceSet:
    """What a frontend found, enough to fingerprint for the cache."""

    language: str  # "python", "elixir"
    root: Path  # the analyzed folder (absolute)
    key: str  # whatever else changes the graph (source roots, packages, apps)
    rows: tuple[str, ...]  # one fingerprint row per source file: "rel\0size\0mtime_ns"
    payload: Any  # the frontend's own discovery result (SourceTree for Python)


class Frontend(Protocol):
    language: str

    def claims(self, path: Path) -> bool:
        """Cheap: does this folder hold this language's code."""
        ...

    def discover(self, path: Path, excludes: tuple[str, ...]) -> SourceSet: ...

    def build(self, found: SourceSet, progress: Progress | None) -> ModuleGraph: ...
