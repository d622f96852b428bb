"""The extraction steps, each a change to a working tree (the runner commits and tests them).

scaffold -> move -> shim (strangler fig), or scaffold -> copy -> abstraction (branch by
abstraction); finish removes the old code once its gates hold.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from vsmctl.errors import InputError
from vsmctl.strangler.codemods import Moves, rewrite_source
from vsmctl.strangler.plan import ExtractionPlan, module_of_file
from vsmctl.workspace import atomic_write_text


@dataclass
class StepReport:
    changed_files: list[str] = field(default_factory=list)
    uncertain_strings: list[tuple[str, int, str]] = field(default_factory=list)  # (file, line, value)
    rewritten_strings: list[tuple[str, int, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# --- scaffold ------------------------------------------------------------------------------
def scaffold(tree: Path, plan: ExtractionPlan, template: str | None, description: str = "") -> StepReport:
    import copier

    from vsmctl.resources import templates_dir

    source = template or str(templates_dir() / "python-package")
    target = tree / plan.package_dir
    try:
        copier.run_copy(source, str(target), data={"package_name": plan.package, "import_name": plan.import_name,
                                                  "description": description or f"{plan.package}, extracted by vsmctl",
                                                  "version": "0.1.0"},
                        defaults=True, quiet=True, overwrite=True, unsafe=False)
    except Exception as exc:  # copier's errors: a bad template path or URL, a template that fails
        raise InputError(f"scaffolding {plan.package} from {source} failed: {exc}") from None
    report = StepReport(changed_files=[plan.package_dir])
    report.notes.append(add_path_dependency(tree, plan))
    return report


def add_path_dependency(tree: Path, plan: ExtractionPlan) -> str:
    """Put the new package on the monolith's test path (pyproject's pytest `pythonpath`)."""
    import tomlkit

    start = tree / plan.source_root
    for folder in (start, *start.parents):
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            doc = tomlkit.parse(pyproject.read_text(encoding="utf-8"))
            options = doc.get("tool", {}).get("pytest", {}).get("ini_options")
            if options is None or "pythonpath" not in options:
                continue
            rel = os.path.relpath(tree / plan.package_dir, folder).replace(os.sep, "/")
            if rel not in options["pythonpath"]:
                options["pythonpath"].append(rel)
                atomic_write_text(pyproject, tomlkit.dumps(doc))
            return f"{pyproject.relative_to(tree)}: pytest pythonpath += {rel}"
        if folder == tree:
            break
    return f"no pytest pythonpath to extend: put {plan.package_dir} on PYTHONPATH or pip install -e it"


# --- move (strangler) ----------------------------------------------------------------------
def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _rewrite_file(tree: Path, rel: str, plan: ExtractionPlan, moves: Moves, report: StepReport,
                  module: tuple[str, bool] | None = None, new_module: str | None = None,
                  source: str | None = None) -> str | None:
    source = source if source is not None else _read(tree / rel)
    if source is None:
        return None
    module_name, is_package = module or module_of_file(plan, rel) or (rel[:-3].replace("/", "."), False)
    try:
        new, rep = rewrite_source(source, moves, module_name, is_package, new_module)
    except Exception as exc:  # a file libcst cannot parse: say so, leave it as it is
        report.notes.append(f"{rel}: not rewritten ({type(exc).__name__})")
        return source
    report.uncertain_strings.extend((rel, line, value) for line, value in rep.uncertain_strings)
    report.rewritten_strings.extend((rel, line, old, nw) for line, old, nw in rep.rewritten_strings)
    return new


def _rewrite_importers(tree: Path, plan: ExtractionPlan, report: StepReport) -> None:
    """Point every import of the moved modules, outside the moved code, at their new home."""
    for rel in plan.importers:
        source = _read(tree / rel)
        if source is None:
            continue  # gone (moved itself) or not text: nothing to rewrite
        new = _rewrite_file(tree, rel, plan, plan.moves, report, source=source)
        if new is not None and new != source:
            atomic_write_text(tree / rel, new)
            report.changed_files.append(rel)


def move(tree: Path, plan: ExtractionPlan, keep_old: bool = False) -> StepReport:
    """Move the modules into the new package and rewrite every import of them.

    With `keep_old` (branch by abstraction) the old files stay and importers are left alone:
    only the new copy is written, its own imports pointing at its new home.
    """
    report = StepReport()
    for f in plan.files:
        new = _rewrite_file(tree, f.old_path, plan, plan.moves, report, (f.old_module, f.is_package), f.new_module)
        if new is None:
            raise InputError(f"{f.old_path}: cannot be read")
        atomic_write_text(tree / f.new_path, new)
        report.changed_files.append(f.new_path)
    if keep_old:
        return report
    for f in plan.files:
        (tree / f.old_path).unlink()
        report.changed_files.append(f.old_path)
    _rewrite_importers(tree, plan, report)
    _prune_empty_dirs(tree, [f.old_path for f in plan.files])
    return report


def _prune_empty_dirs(tree: Path, rel_files: list[str]) -> None:
    for folder in sorted({(tree / r).parent for r in rel_files}, key=lambda p: -len(p.parts)):
        cache = folder / "__pycache__"
        if cache.is_dir():
            shutil.rmtree(cache, ignore_errors=True)
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()


# --- shim (strangler) ----------------------------------------------------------------------
MODULE_SHIM = '''"""Moved to {new} by `vsmctl extract` ({package}). This shim keeps `{old}` working.

It stands in for the new module itself (same object: patches and isinstance checks still hold)
and warns once. Remove it with `vsmctl extract finish {package}`.
"""

import sys
import warnings

import {new} as _moved

warnings.warn("{old} moved to {new}; import it from there", DeprecationWarning, stacklevel=2)
sys.modules[__name__] = _moved
'''

PACKAGE_SHIM = '''"""Moved to {new} by `vsmctl extract` ({package}). This shim keeps `{old}` importable.

Its submodules are shims too; remove them with `vsmctl extract finish {package}`.
"""

import warnings

from {new} import *  # noqa: F403

warnings.warn("{old} moved to {new}; import it from there", DeprecationWarning, stacklevel=2)
'''


def shim(tree: Path, plan: ExtractionPlan) -> StepReport:
    report = StepReport()
    for f in plan.files:
        text = (PACKAGE_SHIM if f.is_package else MODULE_SHIM).format(new=f.new_module, old=f.old_module,
                                                                      package=plan.package)
        atomic_write_text(tree / f.old_path, text)
        report.changed_files.append(f.old_path)
    # a moved package's parent folders keep existing; a moved leaf needs its old package to stay
    return report


# --- abstraction (branch by abstraction) ------------------------------------------------------
def legacy_path(rel: str) -> str:
    folder, name = rel.rsplit("/", 1)
    return f"{folder}/_legacy_{name}"


FACADE = '''"""Facade for {old} (`vsmctl extract --via abstraction`, {package}).

Each use routes to the monolith's implementation ({legacy}) or to the extracted one ({new}) by
the feature flag `{flag}`: `vsmctl flag flip {flag} on` cuts over, `off` rolls back; no deploy.
Functions switch on every call; classes and constants when they are looked up.
"""

import importlib as _importlib
import os as _os

from vsmctl.flags import Flags as _Flags

_FLAG = "{flag}"
_flags = _Flags.from_workspace(_os.path.dirname(_os.path.abspath(__file__)))


def _implementation():
    return _importlib.import_module("{new}" if _flags.enabled(_FLAG) else "{legacy}")


def __getattr__(name):
    value = getattr(_implementation(), name)
    if callable(value) and not isinstance(value, type):
        def routed(*args, **kwargs):
            return getattr(_implementation(), name)(*args, **kwargs)

        routed.__name__ = routed.__qualname__ = name
        routed.__doc__ = getattr(value, "__doc__", None)
        return routed
    return value


def __dir__():
    return sorted(set(dir(_implementation())))
'''


def _camel(module: str) -> str:
    return "".join(part.capitalize() for part in module.replace("_", ".").split(".") if part)


def abstraction(tree: Path, plan: ExtractionPlan, used: dict[str, list[str]]) -> StepReport:
    """Protocol + adapter in the new package, the old code kept as `_legacy_*`, a facade in its place."""
    report = StepReport()
    leaves = [f for f in plan.files if not f.is_package]
    protocols = ['"""What the monolith uses of each extracted module: the boundary, as protocols.', "",
                 "Generated by `vsmctl extract --via abstraction` from the call sites (libcst scope analysis).",
                 '"""', "", "from typing import Any, Protocol", ""]
    adapters = ['"""The monolith\'s implementation behind the protocols (until `vsmctl extract finish`)."""', "",
                "import importlib", "from typing import Any", ""]
    for f in leaves:
        names = used.get(f.old_module, [])
        cls = _camel(f.new_module.split(".", 1)[-1] if "." in f.new_module else f.new_module)
        protocols += ["", f"class {cls}API(Protocol):", f'    """Names the monolith uses from {f.old_module}."""',
                      ""]
        protocols += [f"    {n}: Any" for n in names] or ["    pass"]
        legacy_module = f.old_module.rsplit(".", 1)[0] + "._legacy_" + f.old_module.rsplit(".", 1)[1]
        adapters += ["", f"class Legacy{cls}:",
                     f'    """{f.old_module} as it was in the monolith ({legacy_module})."""',
                     "", "    def __getattr__(self, name: str) -> Any:",
                     f'        return getattr(importlib.import_module("{legacy_module}"), name)', ""]
        legacy = legacy_path(f.old_path)
        atomic_write_text(tree / legacy, (tree / f.old_path).read_text(encoding="utf-8"))
        atomic_write_text(tree / f.old_path, FACADE.format(
            old=f.old_module, new=f.new_module, legacy=legacy_module, flag=plan.flag, package=plan.package))
        report.changed_files += [legacy, f.old_path]
    package_root = tree / plan.package_dir / plan.import_name
    atomic_write_text(package_root / "protocols.py", "\n".join(protocols) + "\n")
    atomic_write_text(package_root / "adapters.py", "\n".join(adapters) + "\n")
    report.changed_files += [f"{plan.package_dir}/{plan.import_name}/protocols.py",
                             f"{plan.package_dir}/{plan.import_name}/adapters.py"]
    return report


# --- finish ----------------------------------------------------------------------------------
def finish(tree: Path, plan: ExtractionPlan) -> StepReport:
    """Remove the old code: shims (strangler), or facades and legacy modules with every importer
    rewritten to the new package (abstraction)."""
    report = StepReport()
    if plan.mode == "abstraction":
        _rewrite_importers(tree, plan, report)
        for f in plan.files:
            if not f.is_package:
                (tree / legacy_path(f.old_path)).unlink(missing_ok=True)
        (tree / plan.package_dir / plan.import_name / "adapters.py").unlink(missing_ok=True)
    for f in plan.files:
        (tree / f.old_path).unlink(missing_ok=True)
        report.changed_files.append(f.old_path)
    _prune_empty_dirs(tree, [f.old_path for f in plan.files])
    return report
