"""The module graph as plain, frozen data (what the cache stores and the renderers read)."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Any

# Kinds of import statement, strongest first: a plain import binds at load time; a
# function-level one only when the function runs; a TYPE_CHECKING one never at run time.
PLAIN = "plain"
FUNCTION = "function"
TYPE_CHECKING = "type_checking"
# Elixir's references, strongest first: `require`/`import`/`use`/macro calls need the other
# module compiled first; an export dependency (struct, `@behaviour`) recompiles on its API;
# a remote call is only needed when it runs.
COMPILE = "compile"
EXPORT = "export"
RUNTIME = "runtime"
KIND_ORDER = (PLAIN, FUNCTION, TYPE_CHECKING, COMPILE, EXPORT, RUNTIME)
KINDS_OF = {"python": (PLAIN, FUNCTION, TYPE_CHECKING), "elixir": (COMPILE, EXPORT, RUNTIME)}
KIND_LABELS = {PLAIN: "plain", FUNCTION: "function-level", TYPE_CHECKING: "TYPE_CHECKING-only",
               COMPILE: "compile-time", EXPORT: "export", RUNTIME: "runtime"}


@dataclass(frozen=True)
class ModuleInfo:
    name: str
    path: str  # relative to the analyzed folder, POSIX separators
    lines: int
    is_package: bool = False
    namespace_folder: bool = False  # lives in a folder without __init__.py


@dataclass(frozen=True)
class ImportSite:
    importer: str
    imported: str
    line: int
    text: str
    kind: str = PLAIN


# Problems that hide a file's imports (as opposed to notes such as a skipped folder
# or an Elixir module no file defines): `check` fails on these.
UNREADABLE_KINDS = frozenset({"syntax-error", "not-utf8", "unreadable", "broken-symlink"})


@dataclass(frozen=True)
class Problem:
    """Something about one file the analysis could not use as it is."""

    path: str
    line: int | None
    kind: str  # syntax-error | not-utf8 | unreadable | broken-symlink | not-a-module-name
    message: str

    def location(self, prefix: str = "") -> str:
        return f"{prefix}{self.path}:{self.line}" if self.line else f"{prefix}{self.path}"


@dataclass(frozen=True)
class ModuleGraph:
    root: str  # the analyzed folder (absolute)
    source_roots: tuple[str, ...]  # relative to root; "." for a flat layout
    top_packages: tuple[str, ...]
    modules: dict[str, ModuleInfo]
    imports: tuple[ImportSite, ...]
    problems: tuple[Problem, ...]
    engine: str  # "grimp", "grimp+ast" (gaps filled) or "ast" (fallback); one per frontend
    language: str = "python"  # the frontend that read it
    # The analyzed folder relative to its repository's root ("" or "sub/dir/"): every path a user
    # reads is relative to the repository root. Set on load, never cached (the repository may move).
    repo_prefix: str = ""

    def display_path(self, rel: str) -> str:
        """A path relative to the analyzed folder, as users see it: relative to the repository root
        (code moved out of the folder, see analysis/moved_code.py, is reached through `..`)."""
        return posixpath.normpath(self.repo_prefix + rel) if rel.startswith("..") else self.repo_prefix + rel

    def edges(self) -> dict[tuple[str, str], list[ImportSite]]:
        """Import sites grouped by (importer, imported)."""
        grouped: dict[tuple[str, str], list[ImportSite]] = {}
        for site in self.imports:
            grouped.setdefault((site.importer, site.imported), []).append(site)
        return grouped

    def to_dict(self) -> dict[str, Any]:
        return {
            "root": self.root,
            "language": self.language,
            "source_roots": list(self.source_roots),
            "top_packages": list(self.top_packages),
            "engine": self.engine,
            "modules": [m.__dict__ for m in self.modules.values()],
            "imports": [[s.importer, s.imported, s.line, s.text, s.kind] for s in self.imports],
            "problems": [p.__dict__ for p in self.problems],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModuleGraph:
        modules = {m["name"]: ModuleInfo(**m) for m in data["modules"]}
        return cls(
            root=data["root"],
            source_roots=tuple(data["source_roots"]),
            top_packages=tuple(data["top_packages"]),
            modules=modules,
            imports=tuple(ImportSite(*row) for row in data["imports"]),
            problems=tuple(Problem(**p) for p in data["problems"]),
            engine=data["engine"],
            language=data.get("language", "python"),
        )


def edge_kind(sites: list[ImportSite]) -> str:
    """An edge is as strong as its strongest import statement."""
    if len(sites) == 1:
        return sites[0].kind
    return min((s.kind for s in sites), key=KIND_ORDER.index)
