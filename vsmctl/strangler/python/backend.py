"""The Python codemod backend: moves modules, rewrites imports (libcst), writes shims and facades."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from vsmctl.errors import InputError
from vsmctl.strangler.plan import (
    ExtractionPlan,
    MovedFile,
    current_importers,
    is_test_module,
    module_of_file,
    python_files,
    read_source,
    rewrite_module,
)
from vsmctl.strangler.python import distribution
from vsmctl.strangler.python.config_refs import rewrite_configs
from vsmctl.strangler.python.doc_refs import doc_references
from vsmctl.strangler.python.import_splice import rewrite_import_text
from vsmctl.strangler.python.monolith_dependency import declare_in_monolith
from vsmctl.strangler.python.rewrite_memo import rewrite, rewrite_ahead
from vsmctl.strangler.python.runtime_client import vendor_flags_client, vendored_module
from vsmctl.strangler.python.templates import FACADE, MODULE_SHIM, PACKAGE_SHIM
from vsmctl.strangler.report import StepReport
from vsmctl.workspace import atomic_write_text


def legacy_path(rel: str) -> str:
    folder, name = rel.rsplit("/", 1)
    return f"{folder}/_legacy_{name}"


def legacy_module(f: MovedFile) -> str:
    """The old code's module name beside its facade: `a._legacy_b`, or `a.pkg._legacy___init__`."""
    if f.is_package:
        return f"{f.old_module}._legacy___init__"
    parent, _, leaf = f.old_module.rpartition(".")
    return f"{parent}._legacy_{leaf}" if parent else f"_legacy_{leaf}"


def _camel(module: str) -> str:
    return "".join(part.capitalize() for part in module.replace("_", ".").split(".") if part)


class PythonBackend:
    # slow imports of its steps (the API comparison, pyproject edits): see background_imports
    libraries = ("griffe", "tomlkit")

    @staticmethod
    def head_start(checkout: Path, plan: ExtractionPlan, base_commit: str) -> None:
        """While git checks out the worktree: the move step's rewrites, from the user's checkout
        (rewrite_memo: a step takes them only for byte-identical input), and the moved code's API at
        the base commit, which the move step compares with."""
        from vsmctl.strangler.python.api_compat import load_before

        for text in rewrite_ahead(checkout, plan):  # and the imports of each, for its dependencies
            distribution.top_names_of(text)
        if plan.moves.mapping:
            # griffe may still be loading in the import thread: a module's import lock makes this
            # import wait for that one to finish (this thread holds no other import lock meanwhile)
            load_before(checkout, base_commit, plan)

    # --- the new package on the monolith's path ----------------------------------------------
    def declare_package(self, tree: Path, plan: ExtractionPlan) -> StepReport:
        """The monolith depends on the new package, and its tests find it."""
        return declare_in_monolith(tree, plan).merge(self._test_path(tree, plan))

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

    @staticmethod
    def stamp_version(tree: Path, plan: ExtractionPlan) -> StepReport:
        """The package's version label from its contents (the runner calls it after every step)."""
        from vsmctl.strangler.python.package_version import stamp_version

        return stamp_version(tree, plan)

    # --- move ----------------------------------------------------------------------------------
    def _rewrite(self, tree: Path, rel: str, plan: ExtractionPlan, report: StepReport,
                 module: tuple[str, bool] | None = None, new_module: str | None = None,
                 source: str | None = None) -> str | None:
        source = source if source is not None else read_source(tree / rel)
        if source is None:
            return None
        module_name, is_package = module or rewrite_module(plan, rel)
        try:
            new, rep = rewrite(source, plan.moves, module_name, is_package, new_module)
        except Exception as exc:  # a file libcst cannot parse: say so, leave it as it is
            report.notes.append(f"{rel}: not rewritten ({type(exc).__name__})")
            return source
        report.uncertain_strings.extend((rel, line, value) for line, value in rep.uncertain_strings)
        report.rewritten_strings.extend((rel, line, old, nw) for line, old, nw in rep.rewritten_strings)
        return new

    def rewrite_references(self, tree: Path, plan: ExtractionPlan, report: StepReport, write: bool = True) -> None:
        """Point every import of the moved modules, anywhere in the repository, at their new home;
        then the configuration files' module references (config_refs)."""
        for rel in current_importers(tree, plan):
            source = read_source(tree / rel)
            if source is None:
                continue  # gone (moved itself) or not text: nothing to rewrite
            new = self._rewrite(tree, rel, plan, report, source=source)
            if write and new is not None and new != source:
                atomic_write_text(tree / rel, new)
                report.changed_files.append(rel)
        configs = rewrite_configs(tree, plan, write)
        report.changed_files += configs.changed_files
        report.rewritten_strings += configs.rewritten
        report.uncertain_strings += configs.uncertain

    @staticmethod
    def api_changes(repo: Path, base_commit: str, tree: Path, plan: ExtractionPlan) -> list[str]:
        """The moved code's breaking public-API changes since `base_commit` (griffe)."""
        from vsmctl.strangler.python.api_compat import breaking_changes

        return [change.describe() for change in breaking_changes(repo, base_commit, tree, plan)]

    def stale_references(self, tree: Path, plan: ExtractionPlan) -> list[tuple[str, int, str]]:
        """What would still name the old modules after `finish` (which rewrites every certain
        reference): strings and configuration entries vsmctl cannot be sure of. `finish` refuses
        while there are any."""
        report = StepReport()
        self.rewrite_references(tree, plan, report, write=False)
        return sorted(set(report.uncertain_strings) | set(self._shown_imports(tree, plan)))

    def _shown_imports(self, tree: Path, plan: ExtractionPlan) -> list[tuple[str, int, str]]:
        """Import statements in prose (docstrings, comments) that would still name the old modules
        after finish: anywhere but in the files finish removes, the new package included."""
        removed = {f.old_path for f in plan.files} | {old for old, _ in plan.data_files} | {
            f"{plan.package_dir}/{plan.import_name}/adapters.py"}
        importers = set(current_importers(tree, plan))
        left = []
        for path in python_files(tree):
            rel = path.relative_to(tree).as_posix()
            text = None if rel in removed or path.name.startswith("_legacy_") else read_source(path)
            if text is None or not any(old in text for old in plan.moves.mapping):
                continue
            if rel in importers:  # as finish will leave it
                text = self._rewrite(tree, rel, plan, StepReport(), source=text) or text
            left += [(rel, number, line.strip()) for number, line in enumerate(text.splitlines(), 1)
                     if rewrite_import_text(line, plan.moves) != line]
        return left

    def _rewrite_data_module(self, tree: Path, plan: ExtractionPlan, old: str, new_path: str,
                             report: StepReport) -> None:
        found = module_of_file(plan, old)
        if found is None:
            return
        module = found[0]
        new = self._rewrite(tree, old, plan, report, (module, False), plan.moves.new_name(module) or module)
        if new is not None and new != read_source(tree / new_path):
            atomic_write_text(tree / new_path, new)

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
            if old.endswith(".py"):  # a migration (0001_initial.py): loaded by name, its imports follow too
                self._rewrite_data_module(tree, plan, old, new_path, report)
            report.changed_files.append(new_path)
        report.merge(distribution.module_tests(tree, plan))
        report.merge(distribution.declare_dependencies(tree, plan))
        report.doc_references += doc_references(tree, plan)
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
        tests = sorted(f.old_module for f in plan.files if is_test_module(f.old_module))
        if tests:
            report.notes.append(f"left unshimmed (test modules move with the package; a shim would break "
                                f"unittest/Django discovery): {', '.join(tests)}")
        for f in plan.files:
            if is_test_module(f.old_module):
                continue
            text = (PACKAGE_SHIM if f.is_package else MODULE_SHIM).format(new=f.new_module, old=f.old_module,
                                                                          package=plan.package)
            atomic_write_text(tree / f.old_path, text)
            report.changed_files.append(f.old_path)
        return report

    # --- abstraction ---------------------------------------------------------------------------
    @staticmethod
    def abstraction_refusal(tree: Path, plan: ExtractionPlan) -> str | None:
        """Why this package cannot be served from two places at once (Django models), or None."""
        from vsmctl.strangler.python.django_models import abstraction_refusal

        return abstraction_refusal(tree, plan)

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
        # packages too: the names an `__init__` defines or re-exports are routed like a leaf module's
        for f in plan.files:
            protocol, adapter = self._leaf_abstraction(tree, plan, f, used.get(f.old_module, []))
            protocols += protocol
            adapters += adapter
            report.changed_files += [legacy_path(f.old_path), f.old_path]
        report.changed_files += vendor_flags_client(tree, plan)
        package_root = tree / plan.package_dir / plan.import_name
        atomic_write_text(package_root / "protocols.py", "\n".join(protocols) + "\n")
        atomic_write_text(package_root / "adapters.py", "\n".join(adapters) + "\n")
        report.changed_files += [f"{plan.package_dir}/{plan.import_name}/protocols.py",
                                 f"{plan.package_dir}/{plan.import_name}/adapters.py"]
        return report

    @staticmethod
    def _leaf_abstraction(tree: Path, plan: ExtractionPlan, f: MovedFile, names: list[str]
                          ) -> tuple[list[str], list[str]]:
        cls = _camel(f.new_module.split(".", 1)[-1] if "." in f.new_module else f.new_module)
        protocol = ["", f"class {cls}API(Protocol):", f'    """Names the monolith uses from {f.old_module}."""', ""]
        protocol += [f"    {n}: Any" for n in names] or ["    pass"]
        legacy = legacy_module(f)
        adapter = ["", f"class Legacy{cls}:", f'    """{f.old_module} as it was in the monolith ({legacy})."""',
                   "", "    def __getattr__(self, name: str) -> Any:",
                   f'        return getattr(importlib.import_module("{legacy}"), name)', ""]
        atomic_write_text(tree / legacy_path(f.old_path), (tree / f.old_path).read_text(encoding="utf-8"))
        atomic_write_text(tree / f.old_path, FACADE.format(old=f.old_module, new=f.new_module, legacy=legacy,
                                                           flag=plan.flag, package=plan.package,
                                                           runtime=vendored_module(plan)))
        return protocol, adapter

    # --- finish --------------------------------------------------------------------------------
    def remove_old(self, tree: Path, plan: ExtractionPlan) -> StepReport:
        """Shims (strangler), or facades and legacy modules with every importer rewritten to the new
        package (abstraction)."""
        report = StepReport()
        old_paths = [f.old_path for f in plan.files] + [old for old, _ in plan.data_files]
        if plan.mode == "abstraction":
            for f in plan.files:
                (tree / legacy_path(f.old_path)).unlink(missing_ok=True)
            package = tree / plan.package_dir / plan.import_name
            (package / "adapters.py").unlink(missing_ok=True)
            shutil.rmtree(package / "_vsmctl_flags", ignore_errors=True)  # no facade needs it any more
        for rel in old_paths:
            (tree / rel).unlink(missing_ok=True)
            report.changed_files.append(rel)
        # after the old files go: anything written since the move that imports through them follows
        self.rewrite_references(tree, plan, report)
        _prune_empty_dirs(tree, old_paths)
        report.doc_references += doc_references(tree, plan)
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


