"""The Python codemod backend: moves modules, rewrites imports (libcst), writes shims and facades."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from vsmctl.errors import InputError
from vsmctl.strangler.plan import ExtractionPlan, module_of_file
from vsmctl.strangler.python import distribution
from vsmctl.strangler.python.codemods import rewrite_source
from vsmctl.strangler.python.templates import FACADE, MODULE_SHIM, PACKAGE_SHIM
from vsmctl.strangler.report import StepReport
from vsmctl.workspace import atomic_write_text


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def legacy_path(rel: str) -> str:
    folder, name = rel.rsplit("/", 1)
    return f"{folder}/_legacy_{name}"


def _camel(module: str) -> str:
    return "".join(part.capitalize() for part in module.replace("_", ".").split(".") if part)


class PythonBackend:
    # --- the new package on the monolith's path ----------------------------------------------
    def declare_package(self, tree: Path, plan: ExtractionPlan) -> StepReport:
        """The monolith depends on the new package, and its tests find it."""
        return distribution.declare_in_monolith(tree, plan).merge(self._test_path(tree, plan))

    @staticmethod
    def _test_path(tree: Path, plan: ExtractionPlan) -> StepReport:
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
                return StepReport(notes=[f"{pyproject.relative_to(tree)}: pytest pythonpath += {rel}"])
            if folder == tree:
                break
        return StepReport(notes=[f"no pytest pythonpath to extend: put {plan.package_dir} on PYTHONPATH "
                                 "or pip install -e it"])

    # --- move ----------------------------------------------------------------------------------
    def _rewrite(self, tree: Path, rel: str, plan: ExtractionPlan, report: StepReport,
                 module: tuple[str, bool] | None = None, new_module: str | None = None,
                 source: str | None = None) -> str | None:
        source = source if source is not None else _read(tree / rel)
        if source is None:
            return None
        module_name, is_package = module or module_of_file(plan, rel) or (rel[:-3].replace("/", "."), False)
        try:
            new, rep = rewrite_source(source, plan.moves, module_name, is_package, new_module)
        except Exception as exc:  # a file libcst cannot parse: say so, leave it as it is
            report.notes.append(f"{rel}: not rewritten ({type(exc).__name__})")
            return source
        report.uncertain_strings.extend((rel, line, value) for line, value in rep.uncertain_strings)
        report.rewritten_strings.extend((rel, line, old, nw) for line, old, nw in rep.rewritten_strings)
        return new

    def rewrite_references(self, tree: Path, plan: ExtractionPlan, report: StepReport) -> None:
        """Point every import of the moved modules, anywhere in the repository, at their new home."""
        for rel in plan.importers:
            source = _read(tree / rel)
            if source is None:
                continue  # gone (moved itself) or not text: nothing to rewrite
            new = self._rewrite(tree, rel, plan, report, source=source)
            if new is not None and new != source:
                atomic_write_text(tree / rel, new)
                report.changed_files.append(rel)

    def move_modules(self, tree: Path, plan: ExtractionPlan, keep_old: bool) -> StepReport:
        """The modules at their new home, their own imports following them. With `keep_old`
        (branch by abstraction) the old files stay and importers are left alone."""
        report = StepReport()
        for f in plan.files:
            new = self._rewrite(tree, f.old_path, plan, report, (f.old_module, f.is_package), f.new_module)
            if new is None:
                raise InputError(f"{f.old_path}: cannot be read")
            atomic_write_text(tree / f.new_path, new)
            report.changed_files.append(f.new_path)
        for old, new_path in plan.data_files:  # package data and modules that are not identifiers
            (tree / new_path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(tree / old, tree / new_path)
            report.changed_files.append(new_path)
        report.merge(distribution.module_tests(tree, plan))
        report.merge(distribution.declare_dependencies(tree, plan))
        if keep_old:
            return report
        old_paths = [f.old_path for f in plan.files] + [old for old, _ in plan.data_files]
        for rel in old_paths:
            (tree / rel).unlink()
            report.changed_files.append(rel)
        self.rewrite_references(tree, plan, report)
        _prune_empty_dirs(tree, old_paths)
        return report

    # --- shims ---------------------------------------------------------------------------------
    def write_shims(self, tree: Path, plan: ExtractionPlan) -> StepReport:
        report = StepReport()
        for f in plan.files:
            text = (PACKAGE_SHIM if f.is_package else MODULE_SHIM).format(new=f.new_module, old=f.old_module,
                                                                          package=plan.package)
            atomic_write_text(tree / f.old_path, text)
            report.changed_files.append(f.old_path)
        return report

    # --- abstraction ---------------------------------------------------------------------------
    def write_abstraction(self, tree: Path, plan: ExtractionPlan) -> StepReport:
        """Protocol + adapter in the new package, the old code kept as `_legacy_*`, a facade in its place."""
        from vsmctl.strangler.python.usage import used_names

        used = used_names(tree, plan, list(plan.importers) + [f.old_path for f in plan.files])
        report = StepReport()
        protocols = ['"""What the monolith uses of each extracted module: the boundary, as protocols.', "",
                     "Generated by `vsmctl extract --via abstraction` from the call sites (libcst scope analysis).",
                     '"""', "", "from typing import Any, Protocol", ""]
        adapters = ['"""The monolith\'s implementation behind the protocols (until `vsmctl extract finish`)."""', "",
                    "import importlib", "from typing import Any", ""]
        for f in (f for f in plan.files if not f.is_package):
            protocol, adapter = self._leaf_abstraction(tree, plan, f.old_path, f.old_module, f.new_module,
                                                       used.get(f.old_module, []))
            protocols += protocol
            adapters += adapter
            report.changed_files += [legacy_path(f.old_path), f.old_path]
        package_root = tree / plan.package_dir / plan.import_name
        atomic_write_text(package_root / "protocols.py", "\n".join(protocols) + "\n")
        atomic_write_text(package_root / "adapters.py", "\n".join(adapters) + "\n")
        report.changed_files += [f"{plan.package_dir}/{plan.import_name}/protocols.py",
                                 f"{plan.package_dir}/{plan.import_name}/adapters.py"]
        return report

    @staticmethod
    def _leaf_abstraction(tree: Path, plan: ExtractionPlan, old_path: str, old_module: str, new_module: str,
                          names: list[str]) -> tuple[list[str], list[str]]:
        cls = _camel(new_module.split(".", 1)[-1] if "." in new_module else new_module)
        protocol = ["", f"class {cls}API(Protocol):", f'    """Names the monolith uses from {old_module}."""', ""]
        protocol += [f"    {n}: Any" for n in names] or ["    pass"]
        legacy_module = old_module.rsplit(".", 1)[0] + "._legacy_" + old_module.rsplit(".", 1)[1]
        adapter = ["", f"class Legacy{cls}:", f'    """{old_module} as it was in the monolith ({legacy_module})."""',
                   "", "    def __getattr__(self, name: str) -> Any:",
                   f'        return getattr(importlib.import_module("{legacy_module}"), name)', ""]
        atomic_write_text(tree / legacy_path(old_path), (tree / old_path).read_text(encoding="utf-8"))
        atomic_write_text(tree / old_path, FACADE.format(old=old_module, new=new_module, legacy=legacy_module,
                                                         flag=plan.flag, package=plan.package))
        return protocol, adapter

    # --- finish --------------------------------------------------------------------------------
    def remove_old(self, tree: Path, plan: ExtractionPlan) -> StepReport:
        """Shims (strangler), or facades and legacy modules with every importer rewritten to the new
        package (abstraction)."""
        report = StepReport()
        if plan.mode == "abstraction":
            self.rewrite_references(tree, plan, report)
            for f in plan.files:
                if not f.is_package:
                    (tree / legacy_path(f.old_path)).unlink(missing_ok=True)
            (tree / plan.package_dir / plan.import_name / "adapters.py").unlink(missing_ok=True)
        old_paths = [f.old_path for f in plan.files] + [old for old, _ in plan.data_files]
        for rel in old_paths:
            (tree / rel).unlink(missing_ok=True)
            report.changed_files.append(rel)
        _prune_empty_dirs(tree, old_paths)
        return report


def _prune_empty_dirs(tree: Path, rel_files: list[str]) -> None:
    """Folders left empty by the move go, with their caches, up to (and including) the
    shallowest folder that held a moved file."""
    folders = {(tree / r).parent for r in rel_files}
    top = min((len(f.parts) for f in folders), default=0)
    for folder in sorted(folders, key=lambda p: -len(p.parts)):
        while len(folder.parts) >= top and folder != tree:
            cache = folder / "__pycache__"
            if cache.is_dir():
                shutil.rmtree(cache, ignore_errors=True)
            if not folder.is_dir() or any(folder.iterdir()):
                break
            folder.rmdir()
            folder = folder.parent


