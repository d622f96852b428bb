"""vsmctl's own subpackages import each other in one direction only (no cycle, TYPE_CHECKING included)."""

from __future__ import annotations

import networkx as nx
from conftest import REPO


def test_no_import_cycle_between_vsmctl_subpackages(monkeypatch) -> None:
    import grimp

    monkeypatch.syspath_prepend(str(REPO))
    graph = grimp.build_graph("vsmctl", cache_dir=None)
    between = nx.DiGraph()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            a, b = ".".join(module.split(".")[:2]), ".".join(imported.split(".")[:2])
            if a != b:
                between.add_edge(a, b)
    assert ("vsmctl.propose", "vsmctl.analysis") in between.edges  # the graph is really built
    assert list(nx.simple_cycles(between)) == []
