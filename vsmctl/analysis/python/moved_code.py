"""Python: an extracted package's modules and imports, renamed to the monolith's old names and
merged into its graph (see analysis/moved_code.py). Imports are read with our scanner: grimp sees
only the package's own imports, and the ones that matter here go back into the monolith."""

from __future__ import annotations

import os
from dataclasses import replace

from vsmctl.analysis.model import ImportSite, ModuleGraph, ModuleInfo
from vsmctl.analysis.moved_code import MovedCode, rename
from vsmctl.analysis.python.discovery import discover
from vsmctl.analysis.python.imports import ScanError, decode_source, resolve, scan_source


def merge(graph: ModuleGraph, code: MovedCode) -> ModuleGraph:
    tree = discover(code.folder)
    # the shims or facades at the old names give way to the code they stand for; a module
    # the package does not hold (not moved yet, or legacy code beside a facade) stays
    replaced = {rename(f.module, code.renames) for f in tree.files}
    modules = {name: info for name, info in graph.modules.items() if name not in replaced}
    sites = [s for s in graph.imports if s.importer not in replaced]
    texts: dict[str, str] = {}
    for f in tree.files:
        old = rename(f.module, code.renames)
        try:
            texts[old] = decode_source(f.path.read_bytes())
        except (OSError, ScanError):
            texts[old] = ""
        modules[old] = ModuleInfo(old, os.path.relpath(f.path, graph.root).replace(os.sep, "/"),
                                  texts[old].count("\n"), f.is_package, f.namespace_folder)
    for f in tree.files:
        old = rename(f.module, code.renames)
        sites.extend(_sites_of(old, f.is_package, texts[old], modules, code.renames))
    return replace(graph, modules=modules, imports=tuple(sites))


def _sites_of(module: str, is_package: bool, text: str, modules: dict[str, ModuleInfo],
              renames: dict[str, str]) -> list[ImportSite]:
    try:
        raw = scan_source(text, module, is_package)
    except ScanError:
        return []  # the monolith's own analysis reports unparsable files; a moved one fails its tests
    lines = text.splitlines()
    found = []
    for imp in raw:
        target = resolve(tuple(rename(c, renames) for c in imp.candidates), modules)
        if target is not None and target != module:
            line = lines[imp.line - 1].strip() if imp.line <= len(lines) else ""
            found.append(ImportSite(module, target, imp.line, line, imp.kind))
    return found
