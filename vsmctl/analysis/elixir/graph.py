"""The Elixir module graph from parsed files: what one file cannot know is settled here.

Which modules exist and which functions are macros are facts about the whole project, so a
reference is resolved (and a remote call classified compile or runtime) only once every file
has been scanned.
"""

from __future__ import annotations

from dataclasses import dataclass

from vsmctl.analysis.elixir.discovery import MixDiscovery
from vsmctl.analysis.elixir.references import (
    CALL,
    COMPILE,
    EXPORT,
    RUNTIME,
    DefinedModule,
    FileScan,
    Reference,
    scan_file,
)
from vsmctl.analysis.frontend import Progress
from vsmctl.analysis.model import ImportSite, ModuleGraph, ModuleInfo, Problem

ENGINE = "tree-sitter"


@dataclass(frozen=True)
class _Defined:
    module: DefinedModule
    rel: str


def build_graph(mix: MixDiscovery, progress: Progress | None = None) -> ModuleGraph:
    return assemble(mix, _scan_all(mix, progress))


def _scan_all(mix: MixDiscovery, progress: Progress | None) -> dict[str, FileScan]:
    scans: dict[str, FileScan] = {}
    total = len(mix.files)
    for done, f in enumerate(mix.files, start=1):
        if progress is not None and (done % 50 == 0 or done == total):
            progress("parsing Elixir files", done, total)
        try:
            data = f.path.read_bytes()
        except OSError as exc:
            unreadable = Problem(f.rel, None, "unreadable", f"cannot read: {exc.strerror or exc}")
            scans[f.rel] = FileScan((), (), (unreadable,))
            continue
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            scans[f.rel] = FileScan((), (), (Problem(f.rel, line, "not-utf8", "not UTF-8 (Elixir source must be)"),))
            continue
        scans[f.rel] = scan_file(f.rel, data)
    return scans


def assemble(mix: MixDiscovery, scans: dict[str, FileScan]) -> ModuleGraph:
    problems: list[Problem] = [p for scan in scans.values() for p in scan.problems]
    problems += [Problem(s.rel, None, "skipped", f"not analyzed: {s.reason}") for s in mix.skipped]
    problems += [Problem(n, None, "nested-project", "a separate Mix project (its own mix.exs): analyze it on its own")
                 for n in mix.nested_projects]
    defined = _defined_modules(scans, problems)
    sites = _resolve(scans, defined, problems)
    names = sorted(defined)
    parents = {n.rsplit(".", 1)[0] for n in names if "." in n}
    modules = {
        n: ModuleInfo(name=n, path=defined[n].rel, lines=defined[n].module.lines, is_package=n in parents)
        for n in names
    }
    return ModuleGraph(
        root=str(mix.root),
        source_roots=tuple(p for app in mix.apps for p in app.compile_paths),
        top_packages=tuple(app.name for app in mix.apps),
        modules=modules,
        imports=tuple(sorted(sites, key=lambda s: (s.importer, s.line, s.imported, s.kind))),
        problems=tuple(sorted(problems, key=lambda p: (p.path, p.line or 0, p.kind))),
        engine=ENGINE,
        language="elixir",
    )


def _defined_modules(scans: dict[str, FileScan], problems: list[Problem]) -> dict[str, _Defined]:
    defined: dict[str, _Defined] = {}
    for rel in sorted(scans):
        for module in scans[rel].modules:
            first = defined.get(module.name)
            if first is not None:
                problems.append(Problem(rel, module.line, "duplicate-module",
                                        f"{module.name} is also defined in {first.rel}:{first.module.line}"))
                continue
            defined[module.name] = _Defined(module, rel)
    return defined


def _resolve(scans: dict[str, FileScan], defined: dict[str, _Defined], problems: list[Problem]) -> list[ImportSite]:
    macros = {name: set(d.module.macros) for name, d in defined.items() if d.module.macros}
    # The project's own namespaces: a reference under one of them that names no module found is
    # reported (a module made by a macro or Module.create), not guessed; Enum or GenServer is not.
    namespaces = {name.split(".", 1)[0] for name, d in defined.items() if d.module.kind != "impl"}
    sites: list[ImportSite] = []
    for rel in sorted(scans):
        reported: set[str] = set()
        for ref in scans[rel].references:
            if ref.target in defined:
                kind = ref.kind
                if kind == CALL:
                    kind = COMPILE if ref.function in macros.get(ref.target, ()) else RUNTIME
                sites.append(ImportSite(ref.source, ref.target, ref.line, ref.text, kind))
            elif _needs_module(ref) and ref.target.split(".", 1)[0] in namespaces and ref.target not in reported:
                reported.add(ref.target)
                problems.append(Problem(rel, ref.line, "unresolved-module",
                                        f"{ref.target} is referenced but defined nowhere in the compile paths "
                                        "(made by a macro or Module.create?): left out, not guessed"))
    return sites


def _needs_module(ref: Reference) -> bool:
    """A call, struct or directive needs the module to exist; a bare name may only name a
    process (`name: VsmPhoenix.Supervisor`), which is no module at all."""
    return bool(ref.function) or ref.kind in (COMPILE, EXPORT)
