"""What an extraction will do: which modules move where, and which files import them."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from vsmctl.errors import InputError
from vsmctl.roadmap.model import Roadmap, TargetPackage
from vsmctl.roadmap.patterns import assign
from vsmctl.strangler.codemods import Moves, mentions

SKIP_DIRS = {".git", ".vsm", "__pycache__", ".venv", "venv", "node_modules", ".ci-venv", ".tox", "build", "dist"}


@dataclass(frozen=True)
class MovedFile:
    old_path: str  # relative to the repository root
    new_path: str
    old_module: str
    new_module: str
    is_package: bool


@dataclass(frozen=True)
class ExtractionPlan:
    package: str  # the roadmap package, e.g. vsm-s3-control
    import_name: str  # vsm_s3_control
    package_dir: str  # packages/vsm-s3-control (relative to the repository root)
    source_root: str  # the folder on sys.path for the monolith's packages (relative)
    moves: Moves
    files: tuple[MovedFile, ...]
    importers: tuple[str, ...]  # files outside the moved code that may import it (relative)
    mode: str  # strangler or abstraction
    flag: str


def import_name_for(package: str) -> str:
    name = package.replace("-", "_").replace(".", "_")
    if not name.isidentifier():
        raise InputError(f"cannot make a Python package name from '{package}'")
    return name


def _roots(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if not any(m.startswith(o + ".") for o in modules if o != m))


def make_plan(repo: Path, roadmap: Roadmap, package: str, mode: str = "strangler",
              monolith: Path | None = None) -> ExtractionPlan:
    from vsmctl.analysis.report import load_graph

    try:
        target: TargetPackage = roadmap.package(package)
    except KeyError:
        raise InputError(f"'{package}' is not a package of the roadmap ({', '.join(roadmap.names)})") from None
    if not target.modules:
        raise InputError(f"{package}: the roadmap names no modules for it (packages.{package}.modules)")
    if monolith is None:
        if not roadmap.monolith:
            raise InputError("the roadmap has no `monolith` folder; pass --monolith PATH")
        monolith = (roadmap.path.parent if roadmap.path else repo) / roadmap.monolith
    graph, _ = load_graph(monolith, use_cache=False)
    assignment = assign(roadmap, graph.modules)
    moved = {m for m, p in assignment.package_of.items() if p == package}
    if not moved:
        raise InputError(f"{package}: its patterns match no module of {monolith}")
    roots = _roots(moved)
    import_name = import_name_for(package)
    mapping = {}
    for root in roots:
        single_package = len(roots) == 1 and graph.modules[root].is_package
        mapping[root] = import_name if single_package else f"{import_name}.{root.rsplit('.', 1)[-1]}"
    moves = Moves(mapping)
    root_dir = Path(graph.root)
    source_root = (root_dir / graph.source_roots[0]).resolve()
    repo = repo.resolve()
    package_dir = target.path or f"packages/{package}"
    files = []
    for module in sorted(moved):
        info = graph.modules[module]
        old_abs = (root_dir / info.path).resolve()
        new_module = moves.new_name(module)
        assert new_module is not None
        parts = new_module.split(".")
        new_rel = "/".join(parts) + ("/__init__.py" if info.is_package else ".py")
        files.append(MovedFile(os.path.relpath(old_abs, repo).replace(os.sep, "/"), f"{package_dir}/{new_rel}",
                               module, new_module, info.is_package))
    moved_paths = {f.old_path for f in files}
    importers = set()
    for site in graph.imports:
        if site.imported in moved and site.importer not in moved:
            importers.add(os.path.relpath((root_dir / graph.modules[site.importer].path).resolve(), repo))
    # Plus every file of the monolith that names a moved module in its text (its tests, scripts,
    # string references); `from parent import leaf` forms are caught by the parent's name.
    import re

    needles = list(roots)
    from_parent = [re.compile(rf"from\s+{re.escape(parent)}\s+import\b[^\n]*\b{re.escape(leaf)}\b")
                   for parent, _, leaf in (r.rpartition(".") for r in roots) if parent]
    for path in _python_files(monolith.resolve(), exclude=(str(repo / package_dir),)):
        rel = os.path.relpath(path, repo).replace(os.sep, "/")
        if rel in moved_paths or rel in importers:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if mentions(text, needles) or any(r.search(text) for r in from_parent):
            importers.add(rel)
    return ExtractionPlan(package, import_name, package_dir,
                          os.path.relpath(source_root, repo).replace(os.sep, "/"), moves, tuple(files),
                          tuple(sorted(i.replace(os.sep, "/") for i in importers)), mode, f"extract.{package}")


def _python_files(repo: Path, exclude: tuple[str, ...] = ()) -> list[Path]:
    out: list[Path] = []
    excluded = {str(Path(e).resolve()) for e in exclude}
    for dirpath, dirnames, filenames in os.walk(repo):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS and str(Path(dirpath, d).resolve()) not in excluded]
        out.extend(Path(dirpath, f) for f in filenames if f.endswith(".py"))
    return out


def module_of_file(plan: ExtractionPlan, rel_path: str) -> tuple[str, bool] | None:
    """The module name of a monolith file (for relative imports), if it is under the source root."""
    root = plan.source_root.rstrip("/") + "/" if plan.source_root not in ("", ".") else ""
    if not rel_path.startswith(root) or not rel_path.endswith(".py"):
        return None
    parts = rel_path[len(root):-3].split("/")
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False
