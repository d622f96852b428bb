"""Find a Mix project's Elixir sources the way Mix would compile them, without running Mix.

A project's `.ex` files under its `elixirc_paths` (default `lib/`) are its code; an umbrella's
`apps/*` are one app each. `_build`, `deps` and folders outside the compile paths are left out
and named, and a Mix project nested anywhere else is reported as a separate project rather than
merged into this one (its modules would clash or be counted twice).
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass
from pathlib import Path

from vsmctl.analysis.elixir.mix_file import read_mix_file
from vsmctl.errors import InputError

# Folders Mix itself never compiles from: named when they hold Elixir source (deps do), passed
# over in silence when they hold only output (a walk through _build would cost more than the scan).
NEVER_CODE: dict[str, str | None] = {
    "deps": "dependencies (their own projects)",
    "_build": None,
    "node_modules": None,
    "cover": None,
}


@dataclass(frozen=True)
class MixApp:
    name: str  # the OTP application (`app:` in mix.exs), else its folder's name
    root: str  # relative to the analyzed folder; "." for a single project
    compile_paths: tuple[str, ...]  # relative to the analyzed folder


@dataclass(frozen=True)
class ElixirFile:
    rel: str  # relative to the analyzed folder, POSIX separators
    path: Path
    app: str
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class Skipped:
    rel: str
    reason: str


@dataclass(frozen=True)
class MixDiscovery:
    root: Path
    umbrella: bool
    apps: tuple[MixApp, ...]
    files: tuple[ElixirFile, ...]
    skipped: tuple[Skipped, ...]  # folders with Elixir files that are not compiled
    nested_projects: tuple[str, ...]  # folders with their own mix.exs, analyzed on their own

    def fingerprint_rows(self) -> tuple[str, ...]:
        return tuple(f"{f.rel}\0{f.size}\0{f.mtime_ns}" for f in self.files)

    def key(self) -> str:
        apps = ";".join(f"{a.name}@{a.root}:{','.join(a.compile_paths)}" for a in self.apps)
        return f"{apps}|{','.join(self.nested_projects)}"


def is_mix_project(path: Path) -> bool:
    return (path / "mix.exs").is_file()


def discover_mix(path: Path, excludes: tuple[str, ...] = ()) -> MixDiscovery:
    root = Path(path).resolve()
    if not root.is_dir():
        raise InputError(f"{path}: not a folder")
    if not is_mix_project(root):
        raise InputError(f"{path}: holds no mix.exs (give the folder of a Mix project)")
    top = read_mix_file(root / "mix.exs")
    if top.apps_path:
        apps = _umbrella_apps(root, top.apps_path)
        if not apps:
            raise InputError(f"{path}: an umbrella whose {top.apps_path}/ holds no app with a mix.exs")
    else:
        apps = [MixApp(top.app or root.name, ".", tuple(_join(".", p) for p in top.elixirc_paths))]
    walker = _Walker(root, apps, excludes)
    walker.walk(root, "")
    return MixDiscovery(
        root=root,
        umbrella=bool(top.apps_path),
        apps=tuple(apps),
        files=tuple(sorted(walker.files, key=lambda f: f.rel)),
        skipped=tuple(_outermost(walker.skipped)),
        nested_projects=tuple(sorted(walker.nested)),
    )


def _umbrella_apps(root: Path, apps_path: str) -> list[MixApp]:
    folder = root / apps_path
    apps = []
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return []
    for entry in entries:
        if entry.is_dir() and os.path.isfile(os.path.join(entry.path, "mix.exs")):
            mix = read_mix_file(Path(entry.path) / "mix.exs")
            app_root = _join(apps_path, entry.name)
            apps.append(MixApp(mix.app or entry.name, app_root, tuple(_join(app_root, p) for p in mix.elixirc_paths)))
    return apps


def _join(base: str, rel: str) -> str:
    joined = os.path.normpath(os.path.join(base, rel)).replace(os.sep, "/")
    return joined


def _excluded(rel: str, excludes: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatch(rel, g) or fnmatch.fnmatch(rel, g.rstrip("/") + "/*") for g in excludes)


class _Walker:
    """One pass over the tree: compiled files collected, everything else accounted for."""

    def __init__(self, root: Path, apps: list[MixApp], excludes: tuple[str, ...]) -> None:
        self.root = root
        self.excludes = excludes
        self.app_roots = {a.root for a in apps}
        self.compile_paths = {p: a.name for a in apps for p in a.compile_paths}
        self.files: list[ElixirFile] = []
        self.skipped: list[Skipped] = []
        self.nested: list[str] = []

    def _app_of(self, rel: str) -> str | None:
        for path, app in self.compile_paths.items():
            if rel == path or rel.startswith(path + "/") or path == ".":
                return app
        return None

    def walk(self, folder: Path | str, rel: str) -> None:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            return
        app = self._app_of(rel) if rel else self.compile_paths.get(".")
        stray = False
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            child = f"{rel}/{name}" if rel else name
            if self.excludes and _excluded(child, self.excludes):
                continue
            if entry.is_dir(follow_symlinks=False):
                self._enter(entry.path, name, child)
            elif name.endswith(".ex") and entry.is_file():
                if app is None:
                    stray = True
                    continue
                st = entry.stat()
                self.files.append(ElixirFile(child, Path(entry.path), app, st.st_size, st.st_mtime_ns))
        if stray:
            self.skipped.append(Skipped(rel or ".", "outside elixirc_paths"))

    def _enter(self, path: str, name: str, rel: str) -> None:
        if name in NEVER_CODE:
            reason = NEVER_CODE[name]
            if reason and _holds_elixir(path):
                self.skipped.append(Skipped(rel, reason))
            return
        if rel not in self.app_roots and os.path.isfile(os.path.join(path, "mix.exs")):
            self.nested.append(rel)
            return
        self.walk(path, rel)


def _holds_elixir(folder: str) -> bool:
    return any(f.endswith((".ex", ".exs")) for _dirpath, _dirs, files in os.walk(folder) for f in files)


def _outermost(skipped: list[Skipped]) -> list[Skipped]:
    """`test/support` and `test/support/fixtures` are one skipped folder, said once."""
    out: list[Skipped] = []
    for s in sorted(skipped, key=lambda s: s.rel):
        if out and (s.rel == out[-1].rel or s.rel.startswith(out[-1].rel + "/")) and s.reason == out[-1].reason:
            continue
        out.append(s)
    return out
