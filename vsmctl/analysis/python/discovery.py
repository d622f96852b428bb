"""Find a monolith's source roots, top-level packages and module files, without importing any of it."""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass
from pathlib import Path

from vsmctl.analysis.model import Problem
from vsmctl.errors import InputError

# Folders that hold no product code, or someone else's.
SKIP_DIRS = {
    "tests", "test", "testing", "docs", "doc", "build", "dist", "node_modules", "site-packages",
    "__pycache__", "venv", "env", "examples", "benchmarks", "migrations_backup",
}


@dataclass(frozen=True)
class SourceFile:
    module: str
    path: Path  # absolute
    rel: str  # relative to the analyzed folder
    is_package: bool  # an __init__.py
    namespace_folder: bool
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class SourceTree:
    root: Path  # the analyzed folder
    source_root: Path  # the folder that goes on sys.path
    packages: tuple[str, ...]
    files: tuple[SourceFile, ...]
    problems: tuple[Problem, ...] = ()  # links that lead nowhere, files that are not modules

    def fingerprint_rows(self) -> list[str]:
        # the problems count too: a new 0002_*.py changes no module file, but the report must say it
        return [f"{f.rel}\0{f.size}\0{f.mtime_ns}" for f in self.files] + [
            f"problem\0{p.path}\0{p.message}" for p in self.problems]


def _is_identifier(name: str) -> bool:
    return name.isidentifier()


def _excluded(rel: str, excludes: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatch(rel, g) or fnmatch.fnmatch(rel, g.rstrip("/") + "/*") for g in excludes)


def _packages_in(folder: Path, excludes: tuple[str, ...], root: Path) -> list[str]:
    found = []
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        raise InputError(f"{folder}: cannot list ({exc.strerror or exc})") from None
    for entry in entries:
        if not entry.is_dir() or entry.name.startswith(".") or entry.name in SKIP_DIRS:
            continue
        if not _is_identifier(entry.name) or not os.path.isfile(os.path.join(entry.path, "__init__.py")):
            continue
        if _excluded(os.path.relpath(entry.path, root).replace(os.sep, "/"), excludes):
            continue
        found.append(entry.name)
    return found


def has_packages(path: Path) -> bool:
    """Cheap: the folder is a package, or holds one directly or under src/ (the frontend's claim)."""
    root = Path(path).resolve()
    if (root / "__init__.py").is_file() and _is_identifier(root.name):
        return True
    return any(_packages_in(folder, (), root) for folder in (root / "src", root) if folder.is_dir())


def discover(path: Path, excludes: tuple[str, ...] = ()) -> SourceTree:
    """The packages under `path`: `path` itself, `path/src/*`, or `path/*` (several allowed)."""
    root = Path(path).resolve()
    if not root.exists():
        raise InputError(f"{path}: no such file or directory")
    if not root.is_dir():
        raise InputError(f"{path}: not a folder (give the folder that holds the monolith's packages)")
    if (root / "__init__.py").is_file() and _is_identifier(root.name):
        source_root, packages = root.parent, [root.name]
    else:
        source_root, packages = root, []
        src = root / "src"
        if src.is_dir():
            packages = _packages_in(src, excludes, root)
            if packages:
                source_root = src
        if not packages:
            packages = _packages_in(root, excludes, root)
    if not packages:
        raise InputError(
            f"{path}: holds no Python package (looked for folders with an __init__.py, "
            "directly and under src/)"
        )
    # the folders above the packages count as walked: a link up to them is a loop
    above = {_identity(source_root)} | ({_identity(root)} if root != source_root / packages[0] else set())
    walker = _Walker(excludes, above)
    for package in packages:
        folder = source_root / package
        prefix = os.path.relpath(folder, root).replace(os.sep, "/")
        if walker.enter(str(folder)):
            walker.walk(folder, package, False, "" if prefix == "." else prefix + "/")
    walker.follow_links()
    return SourceTree(root=root, source_root=source_root, packages=tuple(packages), files=tuple(walker.files),
                      problems=tuple(walker.problems))


def _identity(path: str | Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


class _Walker:
    """Walks package folders once each. Real folders first; then symbolic links to folders, each
    followed unless its folder was walked already (a link back up, or a second way to a folder),
    so loops end and a module keeps its real name; a link that leads nowhere is reported."""

    def __init__(self, excludes: tuple[str, ...], seen: set[tuple[int, int] | None]) -> None:
        self.excludes = excludes
        self.seen = seen
        self.files: list[SourceFile] = []
        self.problems: list[Problem] = []
        self.links: list[tuple[os.DirEntry[str], str, bool, str]] = []  # folder links, followed last

    def follow_links(self) -> None:
        while self.links:
            entry, module, in_namespace, rel = self.links.pop(0)
            self._folder(entry, module, in_namespace, rel)

    def enter(self, folder: str) -> bool:
        identity = _identity(folder)
        if identity is None or identity in self.seen:
            return False
        self.seen.add(identity)
        return True

    def broken(self, entry: os.DirEntry[str], rel: str) -> None:
        try:
            target = os.readlink(entry.path)
        except OSError:
            target = "?"
        self.problems.append(Problem(rel, None, "broken-symlink",
                                     f"symbolic link to {target} leads nowhere (missing, or a loop of links)"))

    def walk(self, folder: str | Path, module: str, in_namespace: bool, rel_prefix: str) -> None:
        # rel_prefix: this folder's path relative to the analyzed folder, with a trailing slash
        # (joined by hand: os.path.relpath per file costs more than the stat).
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            return
        if in_namespace and not any(e.name.endswith(".py") for e in entries):
            # A folder without __init__.py counts when it holds modules itself (a namespace folder);
            # data trees (locale/, static/, templates/) end here instead of being walked through.
            return
        for entry in entries:
            name = entry.name
            if name.startswith(".") or name == "__pycache__":
                continue
            rel = rel_prefix + name
            if self.excludes and _excluded(rel, self.excludes):
                continue
            if name.endswith(".py"):
                self._module_file(entry, module, in_namespace, rel)
            elif _is_identifier(name) and entry.is_dir():
                if entry.is_symlink():
                    self.links.append((entry, module, in_namespace, rel))
                else:
                    self._folder(entry, module, in_namespace, rel)
            elif entry.is_symlink() and not os.path.exists(entry.path):
                self.broken(entry, rel)
            elif entry.is_dir():
                self._unnamed_folder(entry.path, rel)

    def _unnamed_folder(self, folder: str, rel: str) -> None:
        """A folder whose name is not an identifier holds no importable module: each .py file
        under it is a problem the user sees, never silently missing from the graph."""
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__pycache__")
            below = os.path.relpath(dirpath, folder).replace(os.sep, "/")
            for name in sorted(n for n in filenames if n.endswith(".py")):
                path = f"{rel}/{name}" if below == "." else f"{rel}/{below}/{name}"
                self.problems.append(Problem(path, None, "not-a-module-name",
                                             f"in folder '{os.path.basename(folder)}', not a Python identifier: "
                                             "no import can name it; not in the graph"))

    def _folder(self, entry: os.DirEntry[str], module: str, in_namespace: bool, rel: str) -> None:
        if not self.enter(entry.path):
            return  # walked already: a loop, or a second way to the same folder
        has_init = os.path.isfile(os.path.join(entry.path, "__init__.py"))
        self.walk(entry.path, f"{module}.{entry.name}", in_namespace or not has_init, rel + "/")

    def _module_file(self, entry: os.DirEntry[str], module: str, in_namespace: bool, rel: str) -> None:
        try:
            is_file = entry.is_file()
        except OSError:  # a loop of links: too many levels
            is_file = False
        if not is_file:
            if entry.is_symlink() and not os.path.exists(entry.path):
                self.broken(entry, rel)
            return
        stem = entry.name[:-3]
        if stem == "__init__":
            mod, is_pkg = module, True
        elif _is_identifier(stem):
            mod, is_pkg = f"{module}.{stem}", False
        else:
            # e.g. migrations/0001_initial.py: loaded by importlib, never by an import statement
            self.problems.append(Problem(rel, None, "not-a-module-name",
                                         f"'{stem}' is not a Python identifier: no import statement can name it "
                                         "(importlib only, as for migrations); not in the graph, but moved with "
                                         "its package by extract"))
            return
        st = entry.stat()
        self.files.append(SourceFile(mod, Path(entry.path), rel, is_pkg, in_namespace, st.st_size, st.st_mtime_ns))
