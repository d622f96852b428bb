"""The extracted package as a distribution: its dependencies and Python version, from the code.

Dependencies come from the package's own imports: other extracted packages of the repository
(by their pyproject name), the monolith while the moved code still imports it, and third-party
distributions with the monolith's own version specifiers. `requires-python` is the monolith's.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from vsmctl.strangler.plan import ExtractionPlan, python_files
from vsmctl.strangler.report import StepReport
from vsmctl.workspace import atomic_write_text

_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def monolith_project(tree: Path, plan: ExtractionPlan) -> tuple[Path | None, dict[str, object]]:
    """The nearest pyproject.toml with a [project] table above the monolith's source root."""
    import tomllib

    start = tree / plan.source_root
    for folder in (start, *start.parents):
        path = folder / "pyproject.toml"
        if path.is_file():
            try:
                project = tomllib.loads(path.read_text(encoding="utf-8")).get("project")
            except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError):
                project = None
            if isinstance(project, dict):
                return path, project
        if folder == tree:
            break
    return None, {}


def requires_python(tree: Path, plan: ExtractionPlan) -> str:
    _, project = monolith_project(tree, plan)
    value = project.get("requires-python")
    return value if isinstance(value, str) else f">={sys.version_info.major}.{sys.version_info.minor}"


def imported_top_names(folder: Path) -> set[str]:
    names: set[str] = set()
    for path in python_files(folder):
        try:
            module = ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, OSError, UnicodeDecodeError, ValueError):
            continue
        for node in _statements(module):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
    return names


def _statements(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node but expressions (ast.walk less the nodes no import can be in: an expression
    holds no statement), about a tenth of the nodes."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(child for child in ast.iter_child_nodes(node) if not isinstance(child, ast.expr))


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


def dependencies(tree: Path, plan: ExtractionPlan) -> list[str]:
    from importlib.metadata import packages_distributions

    imported = imported_top_names(tree / plan.package_dir / plan.import_name) - {plan.import_name}
    imported -= set(sys.stdlib_module_names) | {"__future__"}
    _, project = monolith_project(tree, plan)
    declared = {}
    listed = project.get("dependencies")
    for spec in listed if isinstance(listed, list) else []:
        match = _NAME.match(str(spec))
        if match:
            declared[normalize(match.group(1))] = str(spec)
    extracted = _extracted_packages(tree, plan)
    monolith_tops = {f.old_module.split(".")[0] for f in plan.files}
    distributions = packages_distributions()
    out = set()
    for name in sorted(imported):
        if name in extracted:
            out.add(extracted[name])
        elif name in monolith_tops:
            out.add(str(project.get("name") or name))  # the monolith, while the moved code imports it
        else:
            dist = next(iter(distributions.get(name, [])), name)
            out.add(declared.get(normalize(dist), declared.get(normalize(name), dist)))
    return sorted(out, key=normalize)


def declare_dependencies(tree: Path, plan: ExtractionPlan) -> StepReport:
    """Write the package's dependencies and requires-python into its pyproject.toml."""
    import tomlkit

    path = tree / plan.package_dir / "pyproject.toml"
    if not path.is_file():
        return StepReport(notes=[f"{plan.package_dir}: no pyproject.toml to declare dependencies in"])
    doc = tomlkit.parse(path.read_text(encoding="utf-8"))
    project = doc.setdefault("project", tomlkit.table())
    needed = dependencies(tree, plan)
    array = tomlkit.array()
    array.extend(needed)
    project["dependencies"] = array.multiline(len(needed) > 1)
    project["requires-python"] = requires_python(tree, plan)
    atomic_write_text(path, tomlkit.dumps(doc))
    rel = f"{plan.package_dir}/pyproject.toml"
    return StepReport(changed_files=[rel], notes=[f"{rel}: dependencies {', '.join(needed) or 'none'}"])


def module_tests(tree: Path, plan: ExtractionPlan) -> StepReport:
    """A test that imports each moved module from the new package."""
    modules = sorted(f.new_module for f in plan.files)
    rel = f"{plan.package_dir}/tests/test_moved_modules.py"
    text = ('"""Every module moved into this package imports (written by `vsmctl extract`)."""\n\n'
            "import importlib\n\nimport pytest\n\n\n"
            f"@pytest.mark.parametrize(\"module\", {modules!r})\n"
            "def test_module_imports(module):\n    assert importlib.import_module(module).__name__ == module\n")
    atomic_write_text(tree / rel, text)
    return StepReport(changed_files=[rel])


def declare_in_monolith(tree: Path, plan: ExtractionPlan) -> StepReport:
    """The monolith depends on the new package, so installing the monolith installs it.

    With hatchling (the monolith's build backend), a direct reference relative to the monolith's
    root (`NAME @ {root:uri}/...`, hatch's context formatting) works from any clone; other
    backends cannot express a relative path dependency, and the step's notes say so.
    """
    import os
    import tomllib

    import tomlkit

    path, project = monolith_project(tree, plan)
    if path is None or not project.get("name"):
        return StepReport(notes=["no monolith pyproject.toml with a [project] table: install "
                                 f"{plan.package_dir} beside the monolith (pip install -e {plan.package_dir})"])
    rel = os.path.relpath(tree / plan.package_dir, path.parent).replace(os.sep, "/")
    text = path.read_text(encoding="utf-8")
    backend = (tomllib.loads(text).get("build-system") or {}).get("build-backend", "")
    if backend != "hatchling.build":
        return StepReport(notes=[f"{path.relative_to(tree)}: its build backend ({backend or 'setuptools'}) cannot "
                                 f"declare a path dependency: install {plan.package_dir} beside the monolith"])
    doc = tomlkit.parse(text)
    requirement = f"{plan.package} @ {{root:uri}}/{rel}"
    dependencies = doc["project"].setdefault("dependencies", tomlkit.array())  # type: ignore[union-attr]
    if not any(normalize(str(d).split("@")[0].strip()) == normalize(plan.package) for d in dependencies):
        dependencies.append(requirement)
    tool = doc.setdefault("tool", tomlkit.table())
    hatch = tool.setdefault("hatch", tomlkit.table())  # type: ignore[union-attr]
    metadata = hatch.setdefault("metadata", tomlkit.table())
    metadata["allow-direct-references"] = True
    atomic_write_text(path, tomlkit.dumps(doc))
    rel_path = str(path.relative_to(tree))
    return StepReport(changed_files=[rel_path], notes=[f"{rel_path}: depends on {requirement}"])
