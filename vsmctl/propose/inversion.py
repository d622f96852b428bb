"""Dependency inversion: what a lower package uses from a higher one, i.e. what a protocol in
the lower package would have to declare so that the import can point the other way."""

from __future__ import annotations

import ast
from pathlib import Path

from vsmctl.analysis.model import ImportSite, ModuleGraph


def _statement(graph: ModuleGraph, site: ImportSite) -> ast.stmt | None:
    try:
        node = ast.parse(site.text).body[0]
        return node
    except (SyntaxError, IndexError):
        pass
    # A statement over several lines: read from the file until it parses.
    path = Path(graph.root) / graph.modules[site.importer].path
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    for end in range(site.line, min(site.line + 40, len(lines)) + 1):
        chunk = "\n".join(lines[site.line - 1 : end]).strip()
        try:
            return ast.parse(chunk).body[0]
        except (SyntaxError, IndexError):
            continue
    return None


def used_names(graph: ModuleGraph, site: ImportSite) -> list[str]:
    """The names one import statement takes from `site.imported`."""
    node = _statement(graph, site)
    if isinstance(node, ast.ImportFrom):
        names = []
        for alias in node.names:
            if alias.name == "*":
                names.append(f"* (everything in {site.imported})")
            elif f"{node.module}.{alias.name}" == site.imported or alias.name == site.imported.rsplit(".", 1)[-1]:
                names.append(f"{site.imported} (module)")
            else:
                names.append(alias.name)
        return names
    return [f"{site.imported} (module)"]


def names_used(graph: ModuleGraph, sites: tuple[ImportSite, ...] | list[ImportSite]) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for site in sites:
        for name in used_names(graph, site):
            found[name] = None
    return tuple(found)
