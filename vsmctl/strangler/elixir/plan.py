"""The plan of an Elixir extraction: which files move where, under which module names.

Files are what moves (a file may define several modules); a file holding modules of this package
and of others is refused, as is a moved module that needs a module staying in the monolith while
it compiles (`use`, `require`, `import`, a macro, a struct): the package is compiled before the
monolith, as its dependency, and could not see it. Names stay unless the roadmap gives the
package a `namespace:`, or the mode is branch by abstraction (the new implementation runs beside
the old one, so it needs names of its own: the namespace, by default the package name in
CamelCase, `vsm-config` -> `VsmConfig`).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from vsmctl.analysis.model import COMPILE, EXPORT
from vsmctl.errors import InputError
from vsmctl.roadmap.model import Roadmap, TargetPackage
from vsmctl.roadmap.patterns import assign
from vsmctl.strangler.moves import Moves
from vsmctl.strangler.plan import ExtractionPlan, MovedFile

SKIP_DIRS = {".git", ".vsm", "_build", "deps", "node_modules", "cover", ".elixir_ls"}


def camel(package: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[-_.]", package) if part)


def underscore(module: str) -> str:
    """Macro.underscore for a module name: VsmConfig.RateLimiter -> vsm_config/rate_limiter."""
    parts = []
    for part in module.split("."):
        part = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", part)
        parts.append(re.sub(r"([a-z\d])([A-Z])", r"\1_\2", part).lower())
    return "/".join(parts)


def _rel(path: Path, repo: Path) -> str:
    return os.path.relpath(path, repo).replace(os.sep, "/")


def _prefixes(target: TargetPackage, moved: set[str]) -> list[str]:
    """The roadmap's plain module prefixes of the package that name moved modules, in its order."""
    found = []
    for pattern in target.modules:
        if "*" not in pattern and any(m == pattern or m.startswith(pattern + ".") for m in moved):
            found.append(pattern)
    return found


def _mapping(prefixes: list[str], namespace: str | None) -> dict[str, str]:
    if namespace is None:
        return {p: p for p in prefixes}
    mapping = {}
    for i, prefix in enumerate(prefixes):
        mapping[prefix] = namespace if i == 0 else f"{namespace}.{prefix.rsplit('.', 1)[-1]}"
    return mapping


def _files(graph: Any, moved: set[str], package_of: dict[str, str], package: str) -> dict[str, list[str]]:
    by_file: dict[str, list[str]] = {}
    for name in sorted(graph.modules, key=lambda n: graph.modules[n].path):
        by_file.setdefault(graph.modules[name].path, []).append(name)
    files = {}
    for path, names in by_file.items():
        mine = [n for n in names if n in moved]
        if not mine:
            continue
        others = [n for n in names if n not in moved]
        if others:
            raise InputError(f"{path} defines modules of {package} ({', '.join(mine)}) and of "
                             f"{', '.join(sorted({package_of.get(n) or 'no package' for n in others}))} "
                             f"({', '.join(others)}): split the file first")
        files[path] = mine
    return files


def check_compile_dependencies(graph: Any, moved: set[str], package: str) -> None:
    for site in graph.imports:
        if site.importer in moved and site.imported in graph.modules and site.imported not in moved \
                and site.kind in (COMPILE, EXPORT):
            path = graph.display_path(graph.modules[site.importer].path)
            raise InputError(f"{package}: {site.importer} needs {site.imported} while it compiles "
                             f"({path}:{site.line}: {site.text}); the package is compiled before the monolith: "
                             f"extract the package of {site.imported} first")


_NAMED_TABLE = re.compile(r":ets\.new\(\s*(:[A-Za-z_][A-Za-z0-9_@]*|@[a-z_][A-Za-z0-9_]*)\s*,[^)]*:named_table")


def _fixed_table(text: str, written: str) -> str | None:
    """The atom a table is named with: written, or a module attribute's (`@table :vsm_metrics`)."""
    if written.startswith(":"):
        return written
    value = re.search(rf"^\s*{re.escape(written)}\s+(:[A-Za-z_][A-Za-z0-9_@]*)\s*$", text, re.M)
    return value.group(1) if value else None


def check_side_by_side(graph: Any, files: dict[str, list[str]], package: str) -> None:
    """Branch by abstraction runs the legacy and the new implementation at once: a named ETS
    table with a fixed name would be created twice (the second start crashes)."""
    for path, names in files.items():
        text = (Path(graph.root) / path).read_text(encoding="utf-8", errors="replace")
        found = _NAMED_TABLE.search(text)
        table = _fixed_table(text, found.group(1)) if found else None
        if found and table:
            line = text.count("\n", 0, found.start()) + 1
            where = f"{graph.display_path(path)}:{line}"
            raise InputError(f"{package}: {where}: {names[0]} creates the named ETS table {table}; both "
                             "implementations would create it: extract with --via strangler, or name the "
                             "table after its module (__MODULE__) first")


def _new_path(package_dir: str, old_rel: str, old_module: str, new_module: str) -> str:
    if new_module != old_module:
        return f"{package_dir}/lib/{underscore(new_module)}.ex"
    parts = old_rel.split("/")
    inside = "/".join(parts[1:]) if len(parts) > 1 else parts[0]  # under lib/ (or its compile path)
    return f"{package_dir}/lib/{inside}"


def elixir_files(folder: Path, skip: set[str]) -> list[Path]:
    out: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS and str(Path(dirpath, d).resolve()) not in skip]
        out.extend(Path(dirpath, f) for f in filenames if f.endswith((".ex", ".exs")))
    return sorted(out)


def _importers(monolith: Path, repo: Path, package_dir: str, moved_files: set[str], roots: list[str],
               moved: set[str]) -> list[str]:
    from vsmctl.analysis.elixir.references import scan_file

    found = []
    for path in elixir_files(monolith, {str((repo / package_dir).resolve()), str((repo / "packages").resolve())}):
        rel = _rel(path.resolve(), repo)
        if rel in moved_files:
            continue
        data = path.read_bytes()
        text = data.decode("utf-8", "replace")
        targets = {r.target for r in scan_file(rel, data).references}
        if any(t in moved or any(t.startswith(r + ".") for r in roots) for t in targets) or \
                any(r in text for r in roots):
            found.append(rel)
    return found


def make_elixir_plan(repo: Path, roadmap: Roadmap, target: TargetPackage, graph: Any, monolith: Path,
                     package_dir: str, mode: str) -> ExtractionPlan:
    assignment = assign(roadmap, graph.modules).package_of
    moved = {m for m, p in assignment.items() if p == target.name}
    if not moved:
        raise InputError(f"{target.name}: its patterns match no module of {monolith}")
    check_compile_dependencies(graph, moved, target.name)
    namespace = target.namespace or (camel(target.name) if mode == "abstraction" else None)
    moves = Moves(_mapping(_prefixes(target, moved), namespace))
    root_dir = Path(graph.root)
    files = []
    by_file = _files(graph, moved, assignment, target.name)
    if mode == "abstraction":
        check_side_by_side(graph, by_file, target.name)
    for path, names in by_file.items():
        primary = names[0]
        new_module = moves.new_name(primary) or primary
        old_rel = _rel((root_dir / path).resolve(), repo)
        files.append(MovedFile(old_rel, _new_path(package_dir, path, primary, new_module), primary, new_module,
                               False))
    importers = _importers(root_dir, repo, package_dir, {f.old_path for f in files}, list(moves.mapping), moved)
    return ExtractionPlan(target.name, target.name.replace("-", "_").replace(".", "_"), package_dir,
                          _rel(root_dir.resolve(), repo), moves, tuple(files), tuple(importers), mode,
                          f"extract.{target.name}", language="elixir", namespace=namespace or "")
