"""The Elixir codemod backend: a Mix project per package, modules moved (renamed by byte ranges
when the roadmap gives a namespace), `defdelegate` shims, and behaviour + facade for branch by
abstraction. OTP: the package is a library application; the monolith's supervision tree keeps
starting the moved processes through their child specs (renamed with them)."""

from __future__ import annotations

import os
from pathlib import Path

from vsmctl.strangler.elixir import flags_module, generated
from vsmctl.strangler.elixir.formatting import check_format
from vsmctl.strangler.elixir.mixfile import add_path_dependency, path_dependencies
from vsmctl.strangler.elixir.plan import elixir_files, underscore
from vsmctl.strangler.elixir.rename import rename_source
from vsmctl.strangler.elixir.source import ModuleSource, parse, public_functions
from vsmctl.strangler.moves import Moves
from vsmctl.strangler.plan import ExtractionPlan
from vsmctl.strangler.report import StepReport


def _renamed(plan: ExtractionPlan) -> bool:
    return any(old != new for old, new in plan.moves.mapping.items())


def legacy_path(rel: str) -> str:
    return rel[:-3] + "/legacy.ex"  # lib/a/store.ex -> lib/a/store/legacy.ex (module A.Store.Legacy)


def _write(tree: Path, rel: str, data: bytes, report: StepReport) -> None:
    path = tree / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    report.changed_files.append(rel)


def _prune(tree: Path, rels: list[str]) -> None:
    for folder in sorted({(tree / r).parent for r in rels}, key=lambda p: -len(p.parts)):
        while folder != tree and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent


class ElixirBackend:
    # --- scaffold -------------------------------------------------------------------------------
    def declare_package(self, tree: Path, plan: ExtractionPlan) -> StepReport:
        """The monolith's mix.exs depends on the package by path; the package on the packages
        extracted before it (the monolith's other path dependencies), which compile first."""
        monolith = tree / plan.source_root
        package = tree / plan.package_dir
        earlier = [(app, path) for app, path in path_dependencies(monolith / "mix.exs")
                   if (monolith / path).resolve() != package.resolve()]
        notes = []
        for app, path in earlier:
            rel = os.path.relpath(monolith / path, package).replace(os.sep, "/")
            add_path_dependency(package / "mix.exs", app, rel)
            notes.append(f"{plan.package_dir}/mix.exs: depends on {app} (path {rel})")
        rel = os.path.relpath(package, monolith).replace(os.sep, "/")
        add_path_dependency(monolith / "mix.exs", plan.import_name, rel)
        mix_rel = f"{plan.source_root}/mix.exs".removeprefix("./")
        report = StepReport(changed_files=[mix_rel], notes=[
            f'{mix_rel}: {{:{plan.import_name}, path: "{rel}"}}', *notes,
            f"OTP: {plan.package} is a library application started as a dependency of the monolith; "
            "the monolith's supervision tree keeps starting its processes"])
        return report.merge(check_format(tree, plan, [mix_rel, f"{plan.package_dir}/mix.exs"]))

    # --- move / copy ----------------------------------------------------------------------------
    def move_modules(self, tree: Path, plan: ExtractionPlan, keep_old: bool) -> StepReport:
        report = StepReport()
        renamed = _renamed(plan)
        for f in plan.files:
            data = (tree / f.old_path).read_bytes()
            _write(tree, f.new_path, rename_source(data, plan.moves) if renamed else data, report)
        touched = [f.new_path for f in plan.files]
        if not keep_old:
            for f in plan.files:
                (tree / f.old_path).unlink()
                report.changed_files.append(f.old_path)
            if renamed:
                touched += self._rewrite_importers(tree, plan, plan.moves, report)
            _prune(tree, [f.old_path for f in plan.files])
        report.notes.append(self._otp_note(tree, plan, keep_old))
        return report.merge(check_format(tree, plan, touched))

    @staticmethod
    def _rewrite_importers(tree: Path, plan: ExtractionPlan, moves: Moves, report: StepReport) -> list[str]:
        changed = []
        for rel in plan.importers:
            path = tree / rel
            if not path.is_file():
                continue
            data = path.read_bytes()
            new = rename_source(data, moves)
            if new != data:
                _write(tree, rel, new, report)
                changed.append(rel)
        return changed

    @staticmethod
    def _otp_note(tree: Path, plan: ExtractionPlan, keep_old: bool) -> str:
        started = []
        for f in plan.files:
            for m in parse((tree / f.new_path).read_bytes()).modules:
                if ("child_spec", 1) in public_functions(m, _using_index(tree, plan)):
                    started.append(m.name)
        if not started:
            return "OTP: no moved module is a process (no child_spec)"
        if keep_old:
            return (f"OTP: the copies ({', '.join(started)}) start with the facades' child specs in the "
                    "abstraction step")
        how = "child specs renamed with them" if _renamed(plan) else "child specs unchanged"
        return (f"OTP: the monolith's supervision tree keeps starting {', '.join(started)} from the package "
                f"({how}); the package has no Application of its own")

    # --- shims ----------------------------------------------------------------------------------
    def write_shims(self, tree: Path, plan: ExtractionPlan) -> StepReport:
        report = StepReport()
        if not _renamed(plan):
            report.notes.append("module names unchanged (no namespace: in the roadmap): the moved modules answer "
                                "to their old names, no shim needed")
            return report
        using = _using_index(tree, plan)
        back = plan.moves.reversed()
        for f in plan.files:
            parts = []
            for m in parse((tree / f.new_path).read_bytes()).modules:
                old = back.new_name(m.name)
                if m.kind != "module" or old is None:
                    continue
                parts.append(generated.shim(old, m.name, plan.package, public_functions(m, using), m.macros,
                                            m.struct))
            _write(tree, f.old_path, "\n".join(parts).encode(), report)
        return report.merge(check_format(tree, plan, [f.old_path for f in plan.files]))

    # --- abstraction ----------------------------------------------------------------------------
    def write_abstraction(self, tree: Path, plan: ExtractionPlan) -> StepReport:
        report = StepReport()
        using = _using_index(tree, plan)
        called = _called_functions(tree, plan)
        flags_rel = f"{plan.source_root}/{flags_module.PATH}".removeprefix("./")
        _write(tree, flags_rel, flags_module.SOURCE.encode(), report)
        touched = [flags_rel]
        for f in plan.files:
            data = (tree / f.old_path).read_bytes()
            modules = [m for m in parse(data).modules if m.kind == "module"]
            # the outermost modules get `.Legacy`; a nested one follows its parent (A.Legacy.B)
            outermost = [m.name for m in modules if not any(m.name.startswith(o.name + ".") for o in modules)]
            legacy = Moves({name: f"{name}.Legacy" for name in outermost})
            _write(tree, legacy_path(f.old_path), rename_source(data, legacy), report)
            facades = [self._facade(tree, plan, m, str(legacy.new_name(m.name)), using, called, report, touched)
                       for m in modules]
            _write(tree, f.old_path, "\n".join(facades).encode(), report)
            touched += [legacy_path(f.old_path), f.old_path]
        report.notes.append("OTP: a facade's child spec starts both implementations (each with its own state); "
                            "named resources they share (an ETS table, a :global name) must be renamed in one")
        return report.merge(check_format(tree, plan, touched))

    @staticmethod
    def _facade(tree: Path, plan: ExtractionPlan, m: ModuleSource, legacy: str, using: dict[str, ModuleSource],
                called: dict[str, set[str]], report: StepReport, touched: list[str]) -> str:
        new = plan.moves.new_name(m.name) or m.name
        functions = public_functions(m, using)
        callbacks = {(n, a) for n, a in functions if n in called.get(m.name, set())}
        behaviour = f"{new}.Behaviour"
        rel = f"{plan.package_dir}/lib/{underscore(behaviour)}.ex"
        _write(tree, rel, generated.behaviour(behaviour, m.name, callbacks).encode(), report)
        touched.append(rel)
        report.notes.append(f"{m.name}: behaviour {behaviour} with {len(callbacks)} callback(s) "
                            f"({', '.join(f'{n}/{a}' for n, a in sorted(callbacks)) or 'none called'})")
        return generated.facade(m.name, legacy, new, behaviour, plan.flag, plan.package, m, functions)

    # --- finish ---------------------------------------------------------------------------------
    def remove_old(self, tree: Path, plan: ExtractionPlan) -> StepReport:
        report = StepReport()
        touched: list[str] = []
        for f in plan.files:
            for rel in (f.old_path, legacy_path(f.old_path)):
                if (tree / rel).is_file():
                    (tree / rel).unlink()
                    report.changed_files.append(rel)
        if plan.mode == "abstraction":
            touched = self._rewrite_importers(tree, plan, plan.moves, report)
            self._drop_unused_flags_module(tree, plan, report)
        _prune(tree, [f.old_path for f in plan.files] + [legacy_path(f.old_path) for f in plan.files])
        return report.merge(check_format(tree, plan, touched))

    @staticmethod
    def _drop_unused_flags_module(tree: Path, plan: ExtractionPlan, report: StepReport) -> None:
        flags_path = tree / plan.source_root / flags_module.PATH
        others = [p for p in elixir_files(tree / plan.source_root, set()) if p != flags_path
                  and b"Vsmctl.Flags" in p.read_bytes()]
        if flags_path.is_file() and not others:
            flags_path.unlink()
            report.changed_files.append(str(flags_path.relative_to(tree)))
            _prune(tree, [str(flags_path.relative_to(tree))])


def _using_index(tree: Path, plan: ExtractionPlan) -> dict[str, ModuleSource]:
    """Modules with a `__using__` (what `use` of them injects), from the monolith and the packages."""
    index: dict[str, ModuleSource] = {}
    folders = [tree / plan.source_root / "lib", *sorted((tree / plan.package_dir).parent.glob("*/lib"))]
    for folder in folders:
        for path in elixir_files(folder, set()) if folder.is_dir() else []:
            data = path.read_bytes()
            if b"__using__" not in data:
                continue
            for m in parse(data).modules:
                if m.using_functions or m.using_uses:
                    index[m.name] = m
    return index


def _called_functions(tree: Path, plan: ExtractionPlan) -> dict[str, set[str]]:
    """module -> the functions the rest of the monolith (code and tests) calls on it."""
    from vsmctl.analysis.elixir.references import scan_file

    moved = {f.old_module for f in plan.files}
    called: dict[str, set[str]] = {}
    for rel in plan.importers:
        path = tree / rel
        if not path.is_file():
            continue
        for ref in scan_file(rel, path.read_bytes()).references:
            if ref.function and (ref.target in moved or plan.moves.new_name(ref.target)):
                called.setdefault(ref.target, set()).add(ref.function)
    return called

