"""The monolith declares the new package, so that installing the monolith installs it too.

Where the build backend allows it, portably (from any clone, with plain `pip install`):

- **hatchling**: a direct reference relative to the monolith's root, `NAME @ {root:uri}/packages/NAME/.`
  (hatch's context formatting). The trailing `/.` keeps pip from caching the package's wheel: pip
  (23.x, what `python -m venv` installs) caches a wheel built from a folder whose name looks like
  `name-version` (`otp-email`), keyed by the URL alone, and reuses it for another extraction's
  different code whatever its version says.
- **setuptools** with pyproject `[tool.setuptools.packages.find]` (or a src layout it discovers by
  itself): setuptools has no relative path dependency (`NAME @ file:...` in `[project]
  dependencies` must be an absolute URL: it would name this machine's folder), so the new package
  is built *into the monolith's wheel*: `where` gains `packages/NAME`, its data files are package
  data. `pip install` of the monolith then installs both import packages; the new one becomes a
  distribution of its own when it is published (`pip install ./packages/NAME` works already).
- anything else (flit, poetry, pdm, setup.py only): the step prints what to do.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from vsmctl.strangler.plan import ExtractionPlan
from vsmctl.strangler.python.distribution import monolith_project, normalize
from vsmctl.strangler.report import StepReport
from vsmctl.workspace import atomic_write_text


def declare_in_monolith(tree: Path, plan: ExtractionPlan) -> StepReport:
    import tomllib

    import tomlkit

    path, project = monolith_project(tree, plan)
    if path is None or not project.get("name"):
        return StepReport(notes=["no monolith pyproject.toml with a [project] table: install "
                                 f"{plan.package_dir} beside the monolith (pip install -e {plan.package_dir})"])
    text = path.read_text(encoding="utf-8")
    backend = (tomllib.loads(text).get("build-system") or {}).get("build-backend", "setuptools.build_meta:__legacy__")
    doc = tomlkit.parse(text)
    note: str | None
    rel = os.path.relpath(tree / plan.package_dir, path.parent).replace(os.sep, "/")
    rel_path = path.relative_to(tree).as_posix()
    if backend == "hatchling.build":
        note = _hatchling(doc, plan, rel)
    elif backend.startswith("setuptools.build_meta"):
        note = _setuptools(doc, tree, plan, path.parent, rel)
    else:
        note = None
    if note is None:
        return StepReport(notes=[f"{rel_path}: its build backend ({backend}) cannot declare a package of this "
                                 "repository portably: install it beside the monolith "
                                 f"(pip install ./{plan.package_dir})"])
    atomic_write_text(path, tomlkit.dumps(doc))
    return StepReport(changed_files=[rel_path], notes=[f"{rel_path}: {note}"])


def _hatchling(doc: Any, plan: ExtractionPlan, rel: str) -> str:
    import tomlkit

    requirement = f"{plan.package} @ {{root:uri}}/{rel}/."
    dependencies = doc["project"].setdefault("dependencies", tomlkit.array())
    if not any(normalize(str(d).split("@")[0].strip()) == normalize(plan.package) for d in dependencies):
        dependencies.append(requirement)
    hatch = doc.setdefault("tool", tomlkit.table()).setdefault("hatch", tomlkit.table())
    hatch.setdefault("metadata", tomlkit.table())["allow-direct-references"] = True
    return f"depends on {requirement}"


def _setuptools(doc: Any, tree: Path, plan: ExtractionPlan, root: Path, rel: str) -> str | None:
    """Build the new package into the monolith's wheel (see the module's docstring), or None when
    the monolith lists its packages one by one (a list vsmctl would have to keep up to date)."""
    import tomlkit

    tool = doc.setdefault("tool", tomlkit.table())
    setuptools = tool.setdefault("setuptools", tomlkit.table())
    packages = setuptools.get("packages")
    source = os.path.relpath(tree / plan.source_root, root).replace(os.sep, "/")
    if packages is None and "package-dir" not in setuptools and source == "src":
        # the src layout setuptools discovers by itself, written out so that a second folder can join it
        setuptools["packages"] = packages = tomlkit.table()
        packages["find"] = tomlkit.table()
        packages["find"]["where"] = _array(["src"])
    if not isinstance(packages, dict) or "find" not in packages:
        return None
    find = packages["find"]
    where = find.setdefault("where", _array(["."]))
    if rel not in where:
        where.append(rel)
    if "include" in find:
        find["include"].extend(n for n in (plan.import_name, f"{plan.import_name}.*") if n not in find["include"])
    # the new package's own tests/ folder is not the monolith's to ship (namespace discovery would find it)
    exclude = find.setdefault("exclude", tomlkit.array())
    exclude.extend(n for n in ("tests", "tests.*") if n not in exclude)
    data = _package_data(plan)
    if data:
        setuptools.setdefault("package-data", tomlkit.table())[plan.import_name] = _array(data)
    return (f"builds {plan.import_name} into the monolith's wheel (setuptools has no portable path dependency): "
            f"packages.find where += {rel}" + (f", package data {len(data)} file(s)" if data else "")
            + f"; reinstall the monolith (pip install -e .) for an editable install to find {plan.import_name}")


def _array(items: list[str]) -> Any:
    import tomlkit

    array = tomlkit.array()
    array.extend(items)
    return array


def _package_data(plan: ExtractionPlan) -> list[str]:
    """The new package's data files (not modules), relative to it, as setuptools' package-data lists them."""
    prefix = f"{plan.package_dir}/{plan.import_name}/"
    return sorted(new[len(prefix):] for _, new in plan.data_files if new.startswith(prefix) and not new.endswith(".py"))
