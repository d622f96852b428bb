"""One Elixir analysis in its own process, as `vsmctl analyze monolith` runs it minus the CLI layer:
discover, fingerprint, cache lookup, parse and resolve on a miss, cache write, strongly connected
components. What bench_elixir.py times until the CLI routes Mix projects to the Elixir frontend.

    python benchmarks/elixir_once.py TREE
"""

from __future__ import annotations

import sys
from pathlib import Path


def analyze_once(tree: str) -> None:
    """One analysis as the CLI does it, minus the CLI (see the module docstring)."""
    import hashlib
    import json

    from vsmctl.analysis.cycles import strongly_connected
    from vsmctl.analysis.elixir.frontend import ElixirFrontend
    from vsmctl.analysis.model import ModuleGraph

    frontend = ElixirFrontend()
    found = frontend.discover(Path(tree), ())
    digest = hashlib.sha256(f"{found.language}\0{found.key}\n".encode())
    digest.update("\n".join(found.rows).encode("utf-8", "surrogateescape"))
    entry = Path(tree) / ".vsm" / "cache" / "elixir-graph.json"
    graph = None
    try:
        data = json.loads(entry.read_text())
        if data["fingerprint"] == digest.hexdigest():
            graph = ModuleGraph.from_dict(data["graph"])
    except (OSError, ValueError, KeyError):
        pass
    if graph is None:
        graph = frontend.build(found, None)
        entry.parent.mkdir(parents=True, exist_ok=True)
        entry.write_text(json.dumps({"fingerprint": digest.hexdigest(), "graph": graph.to_dict()}))
    cycles = strongly_connected(list(graph.edges()))
    print(len(graph.modules), len(graph.imports), len(cycles))


if __name__ == "__main__":
    analyze_once(sys.argv[1])
