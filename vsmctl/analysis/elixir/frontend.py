"""The Elixir frontend: a Mix project's modules and their references as one ModuleGraph.

Graph nodes are module names (`VsmPhoenix.System5.Policy`), so roadmap patterns match them as
dotted names. Each file is parsed once with tree-sitter (no Elixir toolchain, nothing compiled).
The work loads only when a command asks for it: the CLI imports this class to list languages.
"""

from __future__ import annotations

from pathlib import Path

from vsmctl.analysis.frontend import Progress, SourceSet
from vsmctl.analysis.model import ModuleGraph


class ElixirFrontend:
    language = "elixir"

    def claims(self, path: Path) -> bool:
        return (Path(path) / "mix.exs").is_file()

    def discover(self, path: Path, excludes: tuple[str, ...] = ()) -> SourceSet:
        from vsmctl.analysis.elixir.discovery import discover_mix

        found = discover_mix(path, excludes)
        return SourceSet(language=self.language, root=found.root, key=found.key(),
                         rows=found.fingerprint_rows(), payload=found)

    def build(self, found: SourceSet, progress: Progress | None = None) -> ModuleGraph:
        from vsmctl.analysis.elixir.graph import build_graph

        return build_graph(found.payload, progress)
