"""Build the module graph: grimp for speed, our own scanner for what grimp cannot see.

grimp skips folders without __init__.py and stops at the first file it cannot parse or decode.
The first gap is filled per file (only the files that can touch the missing modules are parsed);
the second makes us scan the whole tree ourselves, so one bad file never hides the rest.

`into` (an extraction's plan) asks only for the imports of some modules: then only the files that
can import one of them are scanned (see `_ImportersOf`), and the graph holds only those sites.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import Any

from vsmctl.analysis.frontend import Progress
from vsmctl.analysis.model import ImportSite, ModuleGraph, ModuleInfo, Problem
from vsmctl.analysis.python.discovery import SourceFile, SourceTree
from vsmctl.analysis.python.imports import (
    ScanError,
    classify_source,
    decode_source,
    has_indented_import,
    resolve,
    scan_source,
)


def _no_progress(stage: str, done: int, total: int) -> None:
    pass


def build_graph(tree: SourceTree, grimp_cache: Path | None, progress: Progress | None = None,
                into: frozenset[str] | None = None) -> ModuleGraph:
    """The whole graph; with `into`, every module but only the import sites into those modules
    (the problems then are those of the files read)."""
    progress = progress or _no_progress
    by_module = {f.module: f for f in tree.files}
    problems: list[Problem] = list(tree.problems)
    sources = _Sources(problems)
    wanted = _ImportersOf(into, sources) if into is not None else None

    progress("building import graph (grimp)", 0, 1)
    sites: list[ImportSite] | None
    try:
        sites, grimp_modules = _grimp_sites(tree, grimp_cache, wanted)
        engine = "grimp"
    except _GrimpCannotRead:
        sites, grimp_modules, engine = None, set(), "ast"
    progress("building import graph (grimp)", 1, 1)

    if sites is None:
        files = [f for f in tree.files if wanted is None or wanted.may_import(f)]
        sites = _scan_files(files, by_module, into, sources, progress)
    else:
        sites = [s for s in sites if s.importer in by_module and s.imported in by_module and
                 (into is None or s.imported in into)]
        gaps = {m for m in by_module if m not in grimp_modules}
        if gaps:
            engine = "grimp+ast"
            sites.extend(_fill_gaps(tree, by_module, gaps, sources, progress, wanted))
        sites = _classify(sites, by_module, sources, progress)

    lines = {m: sources.line_count(f) for m, f in by_module.items()}
    modules = {
        m: ModuleInfo(name=m, path=f.rel, lines=lines[m], is_package=f.is_package,
                      namespace_folder=f.namespace_folder)
        for m, f in sorted(by_module.items())
    }
    sites.sort(key=lambda s: (s.importer, s.line, s.imported))
    return ModuleGraph(
        root=str(tree.root),
        source_roots=(_rel(tree.source_root, tree.root),),
        top_packages=tree.packages,
        modules=modules,
        imports=tuple(sites),
        problems=tuple(sorted(problems, key=lambda p: (p.path, p.line or 0))),
        engine=engine,
    )


class _GrimpCannotRead(Exception):
    pass


class _ImportersOf:
    """Which files can import one of the modules `into`: the files inside one of their roots (the
    modules of `into` below no other one), and those whose text holds the last name of a root.

    An import that reaches a module at or below a root R from outside R spells R's last name:
    absolute ones name the whole path (`import a.R.x`, `from a import R`, `from a.R import x`),
    and the dots of a relative one climb to a package outside R, from which the path down to the
    module passes through R (`from ..R.x import y`, `from .. import R`)."""

    def __init__(self, into: frozenset[str], sources: _Sources) -> None:
        self.into = into
        self.sources = sources
        self.roots = {m for m in into if not any(a in into for a in _ancestors(m))}
        self.needles = {m.rsplit(".", 1)[-1].encode() for m in self.roots}

    def may_import(self, f: SourceFile) -> bool:
        if f.module in self.roots or any(a in self.roots for a in _ancestors(f.module)):
            return True
        data = self.sources.read_bytes(f)
        return data is not None and any(n in data for n in self.needles)


def _ancestors(module: str) -> Iterator[str]:
    """`a.b.c` -> `a.b`, `a`."""
    while "." in module:
        module = module.rpartition(".")[0]
        yield module


@contextlib.contextmanager
def _on_sys_path(folder: Path, packages: tuple[str, ...]) -> Iterator[None]:
    # grimp locates packages with importlib's finders (it never imports them); make sure it
    # finds the monolith's copy, not an installed or already-imported namesake.
    saved = {name: sys.modules.pop(name) for name in packages if name in sys.modules}
    sys.path.insert(0, str(folder))
    importlib.invalidate_caches()
    try:
        yield
    finally:
        with contextlib.suppress(ValueError):
            sys.path.remove(str(folder))
        for name in packages:
            sys.modules.pop(name, None)
        sys.modules.update(saved)


def _grimp_sites(tree: SourceTree, cache_dir: Path | None,
                 wanted: _ImportersOf | None = None) -> tuple[list[ImportSite], set[str]]:
    from grimp.exceptions import SourceSyntaxError

    with _on_sys_path(tree.source_root, tree.packages):
        try:
            return _grimp_scan(tree, wanted)
        except (SourceSyntaxError, UnicodeError, ValueError) as exc:
            raise _GrimpCannotRead(str(exc)) from exc
        except (ImportError, AttributeError, TypeError):
            pass  # grimp's internals moved: take the public road below
        try:
            return _grimp_public(tree.packages, cache_dir)
        except (SourceSyntaxError, UnicodeError, ValueError) as exc:
            raise _GrimpCannotRead(str(exc)) from exc


def _grimp_scan(tree: SourceTree, wanted: _ImportersOf | None = None) -> tuple[list[ImportSite], set[str]]:
    """grimp's scanner without its graph: we need every import statement with its line, and
    asking the assembled graph for them edge by edge costs as much again as the scan. It scans
    the files asked for, resolving their imports against every module it found.

    grimp walks the files discovery found, not the disk: its own walk follows symbolic links
    without end (`sub/loop -> .`) and stops at the first link that leads nowhere."""
    from grimp.application import scanning, usecases

    found = usecases._find_packages(file_system=_listed_file_system(tree), package_names=list(tree.packages))
    module_files = {module_file for package in found for module_file in package.module_files}
    by_file = {f.module: f for f in tree.files}
    scanned = module_files if wanted is None else {
        m for m in module_files if m.module.name not in by_file or wanted.may_import(by_file[m.module.name])}
    by_module = scanning.scan_imports(scanned, found_packages=found, include_external_packages=False,
                                      exclude_type_checking_imports=False)
    sites = [
        ImportSite(imp.importer.name, imp.imported.name, int(imp.line_number), str(imp.line_contents).strip())
        for imports in by_module.values() for imp in imports
    ]
    return sites, {module_file.module.name for module_file in module_files}


def _listed_file_system(tree: SourceTree) -> Any:
    from grimp.adaptors.filesystem import FileSystem

    folders: dict[str, set[str]] = {}
    files: dict[str, list[str]] = {}
    for f in tree.files:
        folder, name = os.path.split(str(f.path))
        files.setdefault(folder, []).append(name)
        # register the folder chain up to the source root, so a walk from a package reaches it
        while folder != str(tree.source_root) and folder not in folders:
            parent, child = os.path.split(folder)
            folders.setdefault(folder, set())
            folders.setdefault(parent, set()).add(child)
            if parent == folder:
                break
            folder = parent

    class ListedFileSystem(FileSystem):  # type: ignore[misc]
        def walk(self, directory_name: str) -> Iterator[tuple[str, list[str], list[str]]]:
            stack = [directory_name]
            while stack:
                folder = stack.pop()
                subfolders = sorted(folders.get(folder, ()))
                yield folder, subfolders, sorted(files.get(folder, ()))
                # grimp prunes `subfolders` in place, as os.walk allows
                stack.extend(os.path.join(folder, name) for name in reversed(subfolders))

    return ListedFileSystem()


def _grimp_public(packages: tuple[str, ...], cache_dir: Path | None) -> tuple[list[ImportSite], set[str]]:
    import grimp

    graph = grimp.build_graph(*packages, cache_dir=str(cache_dir) if cache_dir else None)
    modules = set(graph.modules)
    sites = []
    for importer in modules:
        for imported in graph.find_modules_directly_imported_by(importer):
            for detail in graph.get_import_details(importer=importer, imported=imported):
                sites.append(ImportSite(importer, imported, int(detail["line_number"]),
                                        str(detail["line_contents"]).strip()))
    return sites, modules


class _Sources:
    """Each file read once: its bytes (for line counts and pre-checks), decoded text on demand."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        self.data: dict[str, bytes | None] = {}
        self.text: dict[str, str | None] = {}

    def read_bytes(self, f: SourceFile) -> bytes | None:
        if f.module not in self.data:
            try:
                self.data[f.module] = f.path.read_bytes()
            except OSError as exc:
                self.data[f.module] = None
                self.problems.append(Problem(f.rel, None, "unreadable", f"cannot read: {exc.strerror or exc}"))
        return self.data[f.module]

    def read_text(self, f: SourceFile, report: bool = True) -> str | None:
        if f.module in self.text:
            return self.text[f.module]
        data = self.read_bytes(f)
        text = None
        if data is not None:
            try:
                text = decode_source(data)
            except ScanError as exc:
                if report:
                    self.problems.append(Problem(f.rel, exc.line, exc.kind, exc.message))
        self.text[f.module] = text
        return text

    def line_count(self, f: SourceFile) -> int:
        data = self.read_bytes(f)
        return 0 if data is None else data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)


def _scan_files(files: list[SourceFile], by_module: dict[str, SourceFile], only_targets: AbstractSet[str] | None,
                sources: _Sources, progress: Progress) -> list[ImportSite]:
    sites = []
    total = len(files)
    for done, f in enumerate(files, start=1):
        if done % 50 == 0 or done == total:
            progress("scanning files", done, total)
        text = sources.read_text(f)
        if text is None:
            continue
        try:
            raw = scan_source(text, f.module, f.is_package)
        except ScanError as exc:
            sources.problems.append(Problem(f.rel, exc.line, exc.kind, exc.message))
            continue
        lines = text.splitlines()
        for imp in raw:
            target = resolve(imp.candidates, by_module)
            if target is None or target == f.module:
                continue
            if only_targets is not None and target not in only_targets:
                continue
            text = lines[imp.line - 1].strip() if imp.line <= len(lines) else ""
            sites.append(ImportSite(f.module, target, imp.line, text, imp.kind))
    return sites


def _fill_gaps(tree: SourceTree, by_module: dict[str, SourceFile], gaps: set[str],
               sources: _Sources, progress: Progress, wanted: _ImportersOf | None = None) -> list[ImportSite]:
    """Imports from and to the modules grimp did not see (folders without __init__.py)."""
    gap_files = [by_module[m] for m in sorted(gaps) if wanted is None or wanted.may_import(by_module[m])]
    sites = _scan_files(gap_files, by_module, wanted.into if wanted else None, sources, progress)
    if wanted is not None:
        gaps = gaps & wanted.into
    # Incoming edges: only files that mention a missing module's last name can import it.
    needles = {m.rsplit(".", 1)[-1].encode() for m in gaps}
    for m in gaps:
        needles.update(part.encode() for part in m.split(".")[1:])
    candidates = []
    for f in tree.files:
        if f.module in gaps:
            continue
        data = sources.read_bytes(f)
        if data is not None and any(n in data for n in needles) and (wanted is None or wanted.may_import(f)):
            candidates.append(f)
    sites.extend(_scan_files(candidates, by_module, gaps, sources, progress))
    return sites


def _classify(sites: list[ImportSite], by_module: dict[str, SourceFile], sources: _Sources,
              progress: Progress) -> list[ImportSite]:
    by_importer: dict[str, list[ImportSite]] = {}
    for s in sites:
        by_importer.setdefault(s.importer, []).append(s)
    out = []
    total = len(by_importer)
    for done, (importer, group) in enumerate(by_importer.items(), start=1):
        if done % 100 == 0 or done == total:
            progress("classifying imports", done, total)
        f = by_module[importer]
        data = sources.read_bytes(f)
        if data is None or not has_indented_import(data):
            out.extend(group)  # every import at column 0: all plain
            continue
        text = sources.read_text(f, report=False)
        if text is None:
            out.extend(group)
            continue
        kinds = classify_source(text, [s.line for s in group])
        out.extend(
            ImportSite(s.importer, s.imported, s.line, s.text, kinds.get(s.line, s.kind)) for s in group
        )
    return out


def _rel(path: Path, root: Path) -> str:
    try:
        rel = path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
    return rel or "."
