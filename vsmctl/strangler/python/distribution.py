"""The extracted package as a distribution: its dependencies and Python version, from the code.

Dependencies come from the package's own imports: other extracted packages of the repository
(by their pyproject name), the monolith (at least its current version) while the moved code still
imports it, and third-party distributions with the monolith's own version specifiers. What only
the package's tests import (its moved test modules, its tests/ folder) goes to the `test` extra,
not to what every install pulls in. `requires-python` is the monolith's.
"""

from __future__ import annotations

import ast
import functools
import re
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from vsmctl.strangler.plan import ExtractionPlan, is_test_module, python_files
from vsmctl.strangler.report import StepReport
from vsmctl.workspace import atomic_write_text

_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def monolith_pyproject(tree: Path, plan: ExtractionPlan) -> tuple[Path | None, dict[str, Any]]:
    """The nearest pyproject.toml with a [project] table above the monolith's source root, read whole."""
    import tomllib

    start = tree / plan.source_root
    for folder in (start, *start.parents):
        path = folder / "pyproject.toml"
        if path.is_file():
            try:
                doc = tomllib.loads(path.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError):
                doc = {}
            if isinstance(doc.get("project"), dict):
                return path, doc
        if folder == tree:
            break
    return None, {}


def monolith_project(tree: Path, plan: ExtractionPlan) -> tuple[Path | None, dict[str, Any]]:
    """The monolith's [project] table and the pyproject.toml it is in."""
    path, doc = monolith_pyproject(tree, plan)
    return path, doc.get("project") or {}


def requires_python(tree: Path, plan: ExtractionPlan) -> str:
    _, project = monolith_project(tree, plan)
    value = project.get("requires-python")
    return value if isinstance(value, str) else f">={sys.version_info.major}.{sys.version_info.minor}"


def _version_in(path: Path) -> str | None:
    """`__version__ = "1.2"` (or `VERSION`) in a module, as hatch's and setuptools' dynamic versions read it."""
    try:
        module = ast.parse(path.read_text(encoding="utf-8"))
    except (SyntaxError, OSError, UnicodeDecodeError, ValueError):
        return None
    for node in module.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and \
                isinstance(node.value.value, str) and \
                any(isinstance(t, ast.Name) and t.id in ("__version__", "VERSION") for t in node.targets):
            return node.value.value
    return None


def monolith_version(tree: Path, plan: ExtractionPlan) -> str | None:
    """The monolith's current version: static, or where its build backend reads a dynamic one (hatch's
    `[tool.hatch.version] path`, setuptools' `version = {attr = ...}`, else the top package's
    `__version__`); None when it cannot be known without building (a VCS-derived version)."""
    path, doc = monolith_pyproject(tree, plan)
    if path is None:
        return None
    project = doc["project"]
    if isinstance(project.get("version"), str):
        return str(project["version"])
    tool = doc.get("tool") or {}
    hatch_path = (tool.get("hatch") or {}).get("version", {}).get("path")
    if isinstance(hatch_path, str):
        return _version_in(path.parent / hatch_path)
    attr = (((tool.get("setuptools") or {}).get("dynamic") or {}).get("version") or {}).get("attr")
    module = str(attr).rpartition(".")[0] if isinstance(attr, str) else plan.files[0].old_module.split(".")[0]
    root = tree / plan.source_root / module.replace(".", "/")
    for candidate in (root / "__init__.py", root.with_suffix(".py")):
        if candidate.is_file():
            return _version_in(candidate)
    return None


def imported_top_names(folder: Path) -> set[str]:
    names: set[str] = set()
    for path in python_files(folder):
        names |= _top_names(path)
    return names


def _top_names(path: Path) -> set[str]:
    try:
        return set(top_names_of(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError):
        return set()


@functools.lru_cache(maxsize=1024)  # the move step's modules are parsed ahead (the backend's head_start)
def top_names_of(source: str) -> frozenset[str]:
    """The top-level names a module's text imports (absolute imports, anywhere in it)."""
    try:
        module = ast.parse(source)
    except (SyntaxError, ValueError):
        return frozenset()
    names: set[str] = set()
    for node in _statements(module):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return frozenset(names)


def _statements(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node but expressions (ast.walk less the nodes no import can be in: an expression
    holds no statement), about a tenth of the nodes."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(child for child in ast.iter_child_nodes(node) if not isinstance(child, ast.expr))


def imports_by_kind(tree: Path, plan: ExtractionPlan) -> tuple[set[str], set[str]]:
    """(top-level names the package's code imports, those only its tests import): the package's
    test modules (moved with it) and its own tests/ folder."""
    root = tree / plan.package_dir / plan.import_name
    runtime: set[str] = set()
    tests = imported_top_names(tree / plan.package_dir / "tests")
    for path in python_files(root):
        module = ".".join((plan.import_name, *path.relative_to(root).with_suffix("").parts))
        (tests if is_test_module(module) else runtime).update(_top_names(path))
    drop = set(sys.stdlib_module_names) | {"__future__", plan.import_name}
    return runtime - drop, tests - runtime - drop


def _declared(project: dict[str, Any], doc: dict[str, Any]) -> dict[str, str]:
    """normalized distribution name -> the monolith's requirement for it, from its dependencies, its
    extras and its dependency groups (a test-only library is often declared only there)."""
    listed = [*(project.get("dependencies") or [])]
    for extra in (project.get("optional-dependencies") or {}).values():
        listed += extra if isinstance(extra, list) else []
    for group in (doc.get("dependency-groups") or {}).values():
        listed += [g for g in group if isinstance(g, str)] if isinstance(group, list) else []
    declared: dict[str, str] = {}
    for spec in listed:
        match = _NAME.match(str(spec))
        if match:
            declared.setdefault(normalize(match.group(1)), str(spec))
    return declared


class InstalledDistributions:
    """Installed distributions by import name, as importlib.metadata.packages_distributions tells
    them, but scanned only when a cheaper answer is not certain: that scan parses every installed
    distribution's metadata (0.3 s in a venv of 150 distributions). A name that nothing installed
    provides (no module spec) has none; a distribution named like the import that lists it among
    its top-level names is the one."""

    def __init__(self) -> None:
        self._by_name: Mapping[str, list[str]] | None = None

    def get(self, name: str) -> list[str]:
        if self._by_name is None:
            quick = _quick_lookup(name)
            if quick is not None:
                return quick
            from importlib.metadata import packages_distributions

            self._by_name = packages_distributions()
        return list(self._by_name.get(name, []))


def _quick_lookup(name: str) -> list[str] | None:
    import importlib.metadata
    import importlib.util

    try:
        if importlib.util.find_spec(name) is None:
            return []
        dist = importlib.metadata.distribution(name)
    except (ImportError, ValueError, importlib.metadata.PackageNotFoundError):
        return None
    tops = (dist.read_text("top_level.txt") or "").split()
    if not tops:
        tops = sorted({Path(str(f)).parts[0].removesuffix(".py") for f in dist.files or () if Path(str(f)).parts})
    return [str(dist.metadata["Name"])] if name in tops else None


def requirements(tree: Path, plan: ExtractionPlan, imported: set[str],
                 distributions: InstalledDistributions | None = None) -> list[str]:
    """The requirements for these imported names: other extracted packages, the monolith (at least
    its current version), third-party distributions with the monolith's own specifiers."""
    distributions = distributions or InstalledDistributions()
    _, doc = monolith_pyproject(tree, plan)
    project = doc.get("project") or {}
    declared = _declared(project, doc)
    extracted = _extracted_packages(tree, plan)
    monolith_tops = {f.old_module.split(".")[0] for f in plan.files}
    out = set()
    for name in sorted(imported):
        if name in extracted:
            out.add(extracted[name])
        elif name in monolith_tops:  # the monolith, while the moved code imports it
            version = monolith_version(tree, plan)
            out.add(str(project.get("name") or name) + (f">={version}" if version else ""))
        else:
            dist = next(iter(distributions.get(name)), name)
            out.add(declared.get(normalize(dist), declared.get(normalize(name), dist)))
    return sorted(out, key=normalize)


def _extracted_packages(tree: Path, plan: ExtractionPlan) -> dict[str, str]:
    """import name -> distribution name of the other packages extracted beside this one."""
    import tomllib

    found = {}
    parent = (tree / plan.package_dir).parent
    for pyproject in parent.glob("*/pyproject.toml"):
        try:
            project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project") or {}
        except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError):
            continue
        name = project.get("name")
        if isinstance(name, str) and name != plan.package:
            found[name.replace("-", "_").replace(".", "_")] = name
    return found


def dependencies(tree: Path, plan: ExtractionPlan) -> tuple[list[str], list[str]]:
    """(runtime requirements, test-only requirements: the `test` extra)."""
    runtime, tests = imports_by_kind(tree, plan)
    distributions = InstalledDistributions()  # read once for both
    return requirements(tree, plan, runtime, distributions), requirements(tree, plan, tests, distributions)


def _array(items: list[str]) -> Any:
    import tomlkit

    array = tomlkit.array()
    array.extend(items)
    return array.multiline(len(items) > 1)


def declare_dependencies(tree: Path, plan: ExtractionPlan) -> StepReport:
    """Write the package's dependencies, its `test` extra and requires-python into its pyproject.toml."""
    import tomlkit

    path = tree / plan.package_dir / "pyproject.toml"
    if not path.is_file():
        return StepReport(notes=[f"{plan.package_dir}: no pyproject.toml to declare dependencies in"])
    doc = tomlkit.parse(path.read_text(encoding="utf-8"))
    project = doc.setdefault("project", tomlkit.table())
    needed, tests = dependencies(tree, plan)
    project["dependencies"] = _array(needed)
    extras = project.setdefault("optional-dependencies", tomlkit.table())
    if tests:
        extras["test"] = _array(tests)  # type: ignore[index]
    elif "test" in extras:  # type: ignore[operator]
        del extras["test"]  # type: ignore[attr-defined]
    if not extras:
        del project["optional-dependencies"]  # type: ignore[attr-defined]
    project["requires-python"] = requires_python(tree, plan)
    atomic_write_text(path, tomlkit.dumps(doc))
    rel = f"{plan.package_dir}/pyproject.toml"
    return StepReport(changed_files=[rel], notes=[f"{rel}: dependencies {', '.join(needed) or 'none'}"
                                                  + (f"; test extra {', '.join(tests)}" if tests else "")])


def module_tests(tree: Path, plan: ExtractionPlan) -> StepReport:
    """A test that imports each moved module from the new package (test modules are the test runner's
    to import: theirs are test-only dependencies, and importing them would collect nothing)."""
    modules = sorted(f.new_module for f in plan.files if not is_test_module(f.new_module))
    rel = f"{plan.package_dir}/tests/test_moved_modules.py"
    text = ('"""Every module moved into this package imports (written by `vsmctl extract`)."""\n\n'
            "import importlib\n\nimport pytest\n\n\n"
            f"@pytest.mark.parametrize(\"module\", {modules!r})\n"
            "def test_module_imports(module):\n    assert importlib.import_module(module).__name__ == module\n")
    atomic_write_text(tree / rel, text)
    return StepReport(changed_files=[rel])
