"""The language seam: a frontend finds a language's sources and turns them into one ModuleGraph.

Everything downstream (metrics, cycles, roadmap patterns, check, propose, renderers, the cache)
reads only the ModuleGraph, so adding a language is adding a frontend.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from vsmctl.analysis.model import ModuleGraph

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class SourceSet:
    """What a frontend found: enough to fingerprint for the cache."""

    language: str  # "python", "elixir"
    root: Path  # the analyzed folder (absolute)
    key: str  # whatever else changes the graph (source roots, packages, apps)
    rows: tuple[str, ...]  # one fingerprint row per source file: "rel\0size\0mtime_ns"
    payload: Any  # the frontend's own discovery result


class Frontend(Protocol):
    language: str

    def claims(self, path: Path) -> bool: ...

    def discover(self, path: Path, excludes: tuple[str, ...]) -> SourceSet: ...

    def build(self, found: SourceSet, progress: Progress | None) -> ModuleGraph: ...
