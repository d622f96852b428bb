"""The seam between extraction steps and a language: a codemod backend per language.

Steps say what happens (move, shim, abstraction, finish); a backend knows how for its language:
move modules and rewrite every reference to them, write shims at the old paths, write an
abstraction (protocol, adapter, facade), remove the old code. Python's is `strangler/python/`;
another language is another folder with a class of these methods, named in BACKENDS.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from vsmctl.errors import InputError
from vsmctl.strangler.plan import ExtractionPlan
from vsmctl.strangler.report import StepReport

BACKENDS = {"python": "vsmctl.strangler.python.backend:PythonBackend",
            "elixir": "vsmctl.strangler.elixir.backend:ElixirBackend"}


class CodemodBackend(Protocol):
    def declare_package(self, tree: Path, plan: ExtractionPlan) -> StepReport:
        """Make the new package importable by the monolith (and its tests)."""

    def move_modules(self, tree: Path, plan: ExtractionPlan, keep_old: bool) -> StepReport:
        """Write the modules at their new home; unless keep_old, remove the old files and
        rewrite every reference in the repository."""

    def write_shims(self, tree: Path, plan: ExtractionPlan) -> StepReport:
        """Old paths that stand for the new modules."""

    def write_abstraction(self, tree: Path, plan: ExtractionPlan) -> StepReport:
        """Protocols and adapters in the new package; the old modules become flag-routed facades."""

    def remove_old(self, tree: Path, plan: ExtractionPlan) -> StepReport:
        """Shims or facades and legacy code go; every reference points at the new package."""


def backend_for(language: str) -> CodemodBackend:
    import importlib

    try:
        module_name, _, class_name = BACKENDS[language].partition(":")
    except KeyError:
        raise InputError(f"no codemod backend for {language} (known: {', '.join(sorted(BACKENDS))})") from None
    backend: CodemodBackend = getattr(importlib.import_module(module_name), class_name)()
    return backend
