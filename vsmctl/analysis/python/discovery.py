"""Find a monolith's source roots, top-level packages and module files, without importing any of it."""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass
from pathlib import Path

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

    def fingerprint_rows(self) -> list[str]:
        return [f"{f.rel}\0{f.size}\0{f.mtime_ns}" for f in self.files]


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
    files: list[SourceFile] = []
    for package in packages:
        folder = source_root / package
        prefix = os.path.relpath(folder, root).replace(os.sep, "/")
        _walk(folder, package, False, "" if prefix == "." else prefix + "/", excludes, files)
    return SourceTree(root=root, source_root=source_root, packages=tuple(packages), files=tuple(files))


def _walk(folder: str | Path, module: str, in_namespace: bool, rel_prefix: str, excludes: tuple[str, ...],
          out: list[SourceFile]) -> None:
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
        if excludes and _excluded(rel, excludes):
            continue
        if entry.is_dir(follow_symlinks=False):
            if not _is_identifier(name):
                continue
            has_init = os.path.isfile(os.path.join(entry.path, "__init__.py"))
            _walk(entry.path, f"{module}.{name}", in_namespace or not has_init, rel + "/", excludes, out)
        elif name.endswith(".py") and entry.is_file():
            stem = name[:-3]
            if stem == "__init__":
                mod, is_pkg = module, True
            elif _is_identifier(stem):
                mod, is_pkg = f"{module}.{stem}", False
            else:
                continue
            st = entry.stat()
            out.append(SourceFile(mod, Path(entry.path), rel, is_pkg, in_namespace, st.st_size, st.st_mtime_ns))
