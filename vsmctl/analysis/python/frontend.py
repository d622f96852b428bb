"""Python behind the language seam: discovery finds the packages, grimp (plus our scanner) the imports."""

from __future__ import annotations

from collections.abc import Callable, Collection
from pathlib import Path

from vsmctl.analysis.frontend import Progress, SourceSet
from vsmctl.analysis.model import ModuleGraph
from vsmctl.analysis.moved_code import MovedCode
from vsmctl.analysis.python.discovery import SourceTree, discover, has_packages


class PythonFrontend:
    language = "python"

    def claims(self, path: Path) -> bool:
        return has_packages(path)

    def discover(self, path: Path, excludes: tuple[str, ...]) -> SourceSet:
        tree = discover(path, excludes)
        return SourceSet(
            language=self.language,
            root=tree.root,
            key=f"{tree.source_root}\0{','.join(tree.packages)}",
            rows=tuple(tree.fingerprint_rows()),
            payload=tree,
        )

    def build(self, found: SourceSet, progress: Progress | None) -> ModuleGraph:
        # grimp (and the scanner behind it) load only when the cache could not answer
        from vsmctl.analysis.python.graph_builder import build_graph

        tree = found.payload
        assert isinstance(tree, SourceTree)
        # grimp's own per-file cache is not used: writing it costs more on a cold run than it
        # saves on a warm one, which our whole-graph cache answers without grimp.
        return build_graph(tree, None, progress)

    def build_into(self, found: SourceSet, select: Callable[[list[str]], Collection[str]]) -> ModuleGraph:
        """Every module, and only the imports into the modules `select` picks from their names:
        only the files that can import one of those are read (an extraction's plan)."""
        from vsmctl.analysis.python.graph_builder import build_graph

        tree = found.payload
        assert isinstance(tree, SourceTree)
        return build_graph(tree, None, None, into=frozenset(select([f.module for f in tree.files])))

    def merge_moved_code(self, graph: ModuleGraph, code: MovedCode) -> ModuleGraph:
        """An extracted package's code put back under its old module names (analysis/moved_code.py)."""
        from vsmctl.analysis.python.moved_code import merge

        return merge(graph, code)
