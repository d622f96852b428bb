"""Mermaid and DOT: one look per edge status, TYPE_CHECKING edges dashed, user text escaped per format."""

from __future__ import annotations

import re

from vsmctl.analysis.model import PLAIN, TYPE_CHECKING, ImportSite, ModuleGraph, ModuleInfo
from vsmctl.analysis.report import build_report
from vsmctl.render.graph_view import BREAKER, OK, VIOLATION, graph_view, to_dot, to_mermaid
from vsmctl.roadmap.model import Roadmap, TargetPackage

HOSTILE = '<script>alert("x")</script>|a\\b'


def _report(core_name: str = "core", title: str = "plan"):  # type: ignore[no-untyped-def]
    imports = [("app.web.v", "app.core.db", 1, PLAIN), ("app.core.db", "app.web.v", 2, PLAIN),
               ("app.web.v", "app.jobs.q", 3, TYPE_CHECKING)]
    names = sorted({m for imp in imports for m in imp[:2]})
    graph = ModuleGraph("/m", (".",), ("app",), {m: ModuleInfo(m, m + ".py", 1) for m in names},
                        tuple(ImportSite(a, b, line, "import " + b, kind) for a, b, line, kind in imports), (), "test")
    roadmap = Roadmap(None, title, (
        TargetPackage(core_name, "core", modules=("app.core.*",)),
        TargetPackage("jobs", "core", modules=("app.jobs.*",)),
        TargetPackage("web", "apps", depends_on=(core_name,), modules=("app.web.*",)),
    ), categories=("core", "apps"))
    return build_report(graph, roadmap)


def test_statuses_and_dashes_are_independent() -> None:
    view = graph_view(_report())
    looks = {(e.source, e.target): (e.status, e.typing) for e in view.edges}
    # core -> web closes the cycle against depends_on: the breaker, not the declared web -> core
    assert looks == {("core", "web"): (BREAKER, False), ("web", "core"): (OK, False),
                     ("web", "jobs"): (VIOLATION, True)}
    mermaid = to_mermaid(view)
    assert re.search(r"n\d -\.->\|1\| n\d", mermaid)  # the TYPE_CHECKING edge, dashed
    assert "stroke:#ff7f0e,stroke-width:3px" in mermaid  # breaker: its own colour
    assert "stroke:#d62728,stroke-width:2px,stroke-dasharray:4 3" in mermaid  # violation, dashed
    dot = to_dot(view)
    assert '"web" -> "jobs" [label="1", color="#d62728", style=dashed];' in dot
    assert '"core" -> "web" [label="1", color="#ff7f0e", penwidth=2.5];' in dot


def test_labels_are_escaped_for_each_format() -> None:
    view = graph_view(_report(core_name=HOSTILE, title="x\ny"))
    mermaid = to_mermaid(view)
    assert "<script>" not in mermaid and '"x"' not in mermaid
    assert "#lt;script#gt;alert(#quot;x#quot;)#lt;/script#gt;#124;a\\b" in mermaid
    # every label stays one quoted string on one statement line
    for line in mermaid.splitlines():
        assert line.count('"') in (0, 2), line
    dot = to_dot(view)
    assert "<script>" not in dot
    assert '"&lt;script&gt;alert(\\"x\\")&lt;/script&gt;|a\\\\b"' in dot
    assert 'digraph "x y: package dependencies"' in dot
    for line in dot.splitlines():
        unescaped = re.sub(r'\\.', "", line)
        assert unescaped.count('"') % 2 == 0, line
