"""What an extraction will do: which modules move where, and which files import them."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from vsmctl.errors import InputError
from vsmctl.roadmap.model import Roadmap, TargetPackage
from vsmctl.roadmap.patterns import assign
from vsmctl.strangler.moves import Moves

# Languages whose extraction plan is not Python's: files move rather than modules (Elixir).
PLANNERS = {"elixir": "vsmctl.strangler.elixir.plan:make_elixir_plan"}
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
    language: str = "python"  # which codemod backend carries out the steps
    namespace: str = ""  # Elixir: the new prefix of the moved modules ("" keeps their names)
    # every other file under a moved package (templates, static files, py.typed, modules whose
    # names are not identifiers such as migrations/0001_initial.py): (old path, new path)
    data_files: tuple[tuple[str, str], ...] = ()


def plan_to_dict(plan: ExtractionPlan) -> dict[str, Any]:
    d = asdict(plan)
    d["moves"] = plan.moves.mapping
    return d


def plan_from_dict(d: dict[str, Any]) -> ExtractionPlan:
    return ExtractionPlan(package=d["package"], import_name=d["import_name"], package_dir=d["package_dir"],
                          source_root=d["source_root"], moves=Moves(dict(d["moves"])),
                          files=tuple(MovedFile(**f) for f in d["files"]), importers=tuple(d["importers"]),
                          mode=d["mode"], flag=d["flag"], language=d.get("language", "python"),
                          namespace=d.get("namespace", ""),
                          data_files=tuple((old, new) for old, new in d.get("data_files", ())))


def import_name_for(package: str) -> str:
    name = package.replace("-", "_").replace(".", "_")
    if not name.isidentifier():
        raise InputError(f"cannot make a Python package name from '{package}'")
    return name


def _roots(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if not any(m.startswith(o + ".") for o in modules if o != m))


def _rel(path: Path, repo: Path) -> str:
    return os.path.relpath(path, repo).replace(os.sep, "/")


def _target(roadmap: Roadmap, package: str) -> TargetPackage:
    try:
        target = roadmap.package(package)
    except KeyError:
        raise InputError(f"'{package}' is not a package of the roadmap ({', '.join(roadmap.names)})") from None
    if not target.modules:
        raise InputError(f"{package}: the roadmap names no modules for it (packages.{package}.modules)")
    return target


def _monolith_dir(repo: Path, roadmap: Roadmap, monolith: Path | None) -> Path:
    if monolith is not None:
        return monolith
    if not roadmap.monolith:
        raise InputError("the roadmap has no `monolith` folder; pass --monolith PATH")
    return (roadmap.path.parent if roadmap.path else repo) / roadmap.monolith


def package_dir_for(repo: Path, target: TargetPackage) -> str:
    """Where the new package goes: inside the repository, even through symlinks, or refused."""
    package_dir = target.path or f"packages/{target.name}"
    resolved = (repo / package_dir).resolve()
    if resolved == repo or not resolved.is_relative_to(repo):
        raise InputError(f"packages.{target.name}.path: {package_dir} is not a folder inside the repository {repo}")
    return _rel(resolved, repo)


def _mapping(roots: list[str], graph: Any, import_name: str) -> dict[str, str]:
    mapping = {}
    for root in roots:
        single_package = len(roots) == 1 and graph.modules[root].is_package
        mapping[root] = import_name if single_package else f"{import_name}.{root.rsplit('.', 1)[-1]}"
    return mapping


def _moved_files(graph: Any, moved: set[str], moves: Moves, repo: Path, package_dir: str) -> list[MovedFile]:
    root_dir = Path(graph.root)
    files = []
    for module in sorted(moved):
        info = graph.modules[module]
        new_module = moves.new_name(module)
        assert new_module is not None
        new_rel = "/".join(new_module.split(".")) + ("/__init__.py" if info.is_package else ".py")
        files.append(MovedFile(_rel((root_dir / info.path).resolve(), repo), f"{package_dir}/{new_rel}",
                               module, new_module, info.is_package))
    return files


def _data_files(repo: Path, files: list[MovedFile]) -> list[tuple[str, str]]:
    """The files under each moved package folder that are not modules of the graph."""
    modules = {f.old_path for f in files}
    out = []
    for f in files:
        if not f.is_package:
            continue
        old_dir, new_dir = f.old_path.rsplit("/", 1)[0], f.new_path.rsplit("/", 1)[0]
        for dirpath, dirnames, filenames in os.walk(repo / old_dir):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and
                                 not (Path(dirpath, d, "__init__.py").is_file() and
                                      _rel(Path(dirpath, d, "__init__.py"), repo) in modules))
            for name in sorted(filenames):
                rel = _rel(Path(dirpath, name), repo)
                if rel not in modules and not name.endswith((".pyc", ".pyo")):
                    out.append((rel, new_dir + rel[len(old_dir):]))
    return out


def _graph_importers(graph: Any, moved: set[str], repo: Path) -> set[str]:
    root_dir = Path(graph.root)
    return {_rel((root_dir / graph.modules[site.importer].path).resolve(), repo)
            for site in graph.imports if site.imported in moved and site.importer not in moved}


def _text_importers(repo: Path, roots: list[str], package_dir: str, skip: set[str]) -> set[str]:
    """Every Python file of the repository that names a moved module in its text (tests, scripts,
    conftest, docs examples, string references); `from parent import leaf` is caught by the parent."""
    from_parent = [re.compile(rf"from\s+{re.escape(parent)}\s+import\b[^\n]*\b{re.escape(leaf)}\b")
                   for parent, _, leaf in (r.rpartition(".") for r in roots) if parent]
    # either way of naming a root spells its last name: a file without one is not decoded
    leaves = {root.rpartition(".")[2].encode() for root in roots}
    found = set()
    prefix = os.path.join(str(repo), "")
    for path in python_files(repo, exclude=(str(repo / package_dir),)):
        full = str(path)  # under `repo` as os.walk spells it: a slice, not a relpath per file
        rel = full[len(prefix):].replace(os.sep, "/") if full.startswith(prefix) else _rel(path, repo)
        if rel in skip:
            continue
        text = _text_holding(path, leaves)
        if text is not None and (mentions(text, roots) or any(r.search(text) for r in from_parent)):
            found.add(rel)
    return found


def _text_holding(path: Path, needles: set[bytes]) -> str | None:
    """The file's text (as `read_text` gives it: UTF-8, universal newlines) if its bytes hold one
    of `needles`; None when they do not, or it cannot be read as UTF-8."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if not any(needle in data for needle in needles):
        return None
    try:
        return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError:
        return None


def _moved(roadmap: Roadmap, package: str, modules: Iterable[str]) -> set[str]:
    return {m for m, p in assign(roadmap, modules).package_of.items() if p == package}


def make_plan(repo: Path, roadmap: Roadmap, package: str, mode: str = "strangler",
              monolith: Path | None = None) -> ExtractionPlan:
    from vsmctl.analysis.report import load_graph_into

    target = _target(roadmap, package)
    monolith = _monolith_dir(repo, roadmap, monolith)
    repo = repo.resolve()
    package_dir = package_dir_for(repo, target)
    # only the imports into the moved modules: the files that cannot import them are not read
    graph = load_graph_into(monolith, lambda names: _moved(roadmap, package, names))
    if graph.language in PLANNERS:  # another language plans its own way (named, as BACKENDS are)
        import importlib

        module_name, _, function = PLANNERS[graph.language].partition(":")
        planner = getattr(importlib.import_module(module_name), function)
        planned: ExtractionPlan = planner(repo, roadmap, target, graph, monolith, package_dir, mode)
        return planned
    moved = _moved(roadmap, package, graph.modules)
    if not moved:
        raise InputError(f"{package}: its patterns match no module of {monolith}")
    roots = _roots(moved)
    import_name = import_name_for(package)
    moves = Moves(_mapping(roots, graph, import_name))
    files = _moved_files(graph, moved, moves, repo, package_dir)
    importers = _graph_importers(graph, moved, repo)
    importers |= _text_importers(repo, roots, package_dir, {f.old_path for f in files} | importers)
    source_root = (Path(graph.root) / graph.source_roots[0]).resolve()
    return ExtractionPlan(package, import_name, package_dir, _rel(source_root, repo), moves, tuple(files),
                          tuple(sorted(importers)), mode, f"extract.{package}",
                          data_files=tuple(_data_files(repo, files)))


TEST_FOLDERS = {"tests", "test"}


def is_test_module(module: str) -> bool:
    """A test module by the names test runners discover (unittest and Django: `test*.py`; pytest:
    `test_*.py`, `*_test.py`, conftest; anything in a `tests` package). The moved package's tests
    move with it and are never shimmed: a shim at the old path is what unittest's discovery
    imports and refuses ("'tests' module incorrectly imported from ...")."""
    parts = module.split(".")
    leaf = parts[-1]
    return (leaf in TEST_FOLDERS or leaf == "conftest" or leaf.startswith("test_") or leaf.endswith("_test")
            or any(part in TEST_FOLDERS for part in parts[1:-1]))


def mentions(source: str, names: list[str]) -> bool:
    """Cheap pre-filter: could this file refer to any of the names at all?"""
    return any(n in source for n in names)


def python_files(repo: Path, exclude: tuple[str, ...] = ()) -> list[Path]:
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


def rewrite_module(plan: ExtractionPlan, rel_path: str) -> tuple[str, bool]:
    """(module name, is package) a file is rewritten as: its module under the source root, else its
    path's dotted name (a script or test outside it)."""
    return module_of_file(plan, rel_path) or (rel_path[:-3].replace("/", "."), False)


def read_source(path: Path) -> str | None:
    """A file's text, or None when it is gone or not UTF-8 text."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def current_importers(tree: Path, plan: ExtractionPlan) -> list[str]:
    """The files that may name the moved modules now: the plan's, and any written since (a file
    added on the migration branch after the move still imports through a shim)."""
    skip = {f.old_path for f in plan.files}
    found = set(plan.importers) | _text_importers(tree, list(plan.moves.mapping), plan.package_dir, skip)
    return sorted(rel for rel in found if rel not in skip and not rel.rsplit("/", 1)[-1].startswith("_legacy_"))
