"""The language seam: a new language is a new frontend, and everything after the graph just works."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from vsmctl.analysis import frontends
from vsmctl.analysis.frontend import Progress, SourceSet
from vsmctl.analysis.model import COMPILE, RUNTIME, ImportSite, ModuleGraph, ModuleInfo
from vsmctl.analysis.report import analyze_monolith, load_graph
from vsmctl.errors import InputError
from vsmctl.render.analysis_json import report_to_dict


class ToyFrontend:
    """A made-up language: each `*.toy` file is a module; `use X` needs X compiled first, `call X`
    calls it at run time."""

    language = "toy"

    def __init__(self) -> None:
        self.builds = 0

    def claims(self, path: Path) -> bool:
        return any(name.endswith(".toy") for name in os.listdir(path))

    def discover(self, path: Path, excludes: tuple[str, ...]) -> SourceSet:
        root = Path(path).resolve()
        files = sorted(root.glob("*.toy"))
        rows = tuple(f"{f.name}\0{f.stat().st_size}\0{f.stat().st_mtime_ns}" for f in files)
        return SourceSet(self.language, root, "flat", rows, files)

    def build(self, found: SourceSet, progress: Progress | None) -> ModuleGraph:
        self.builds += 1
        modules, sites = {}, []
        for f in found.payload:
            text = f.read_text()
            modules[f.stem] = ModuleInfo(f.stem, f.name, len(text.splitlines()))
            for number, line in enumerate(text.splitlines(), start=1):
                verb, _, target = line.partition(" ")
                if verb in ("use", "call"):
                    sites.append(ImportSite(f.stem, target, number, line, COMPILE if verb == "use" else RUNTIME))
        return ModuleGraph(str(found.root), (".",), tuple(sorted(modules)), modules, tuple(sites), (),
                           engine="toy", language=self.language)


@pytest.fixture()
def toy(monkeypatch: pytest.MonkeyPatch) -> ToyFrontend:
    frontend = ToyFrontend()
    monkeypatch.setattr(frontends, "FRONTENDS", [*frontends.FRONTENDS, frontend])
    return frontend


def _toy_monolith(root: Path) -> Path:
    (root / "app").mkdir()
    (root / "app" / "web.toy").write_text("use core\ncall store\n")
    (root / "app" / "core.toy").write_text("call store\n")
    (root / "app" / "store.toy").write_text("call web\n")  # upward: store is core, web an application
    (root / "roadmap.yaml").write_text(
        "version: 1\nname: toy\ncategories: [core, applications]\npackages:\n"
        "  base:\n    category: core\n    modules: [core, store]\n"
        "  web:\n    category: applications\n    depends_on: [base]\n    modules: [web]\n"
    )
    return root / "app"


def test_a_registered_frontend_feeds_the_whole_analysis(toy: ToyFrontend, tmp_path: Path) -> None:
    app = _toy_monolith(tmp_path)
    report = analyze_monolith(app, tmp_path / "roadmap.yaml")
    assert report.graph.language == "toy"
    assert report.kind_counts() == {COMPILE: 1, RUNTIME: 3}
    assert [c.members for c in report.cycles] == [("core", "store", "web")]
    assert [(v.source, v.target, v.rule) for v in report.violations] == [("base", "web", "upward")]
    assert {(e.source, e.target, e.kind) for e in report.package_edges} == {
        ("web", "base", COMPILE), ("base", "web", RUNTIME)}
    doc = report_to_dict(report)
    assert doc["language"] == "toy" and doc["engine"] == "toy"
    assert doc["summary"]["kinds"] == {"compile": 1, "runtime": 3}

    # the cache keys on what the frontend found: unchanged files skip its build
    assert toy.builds == 1
    graph, cached = load_graph(app)
    assert cached and toy.builds == 1 and graph == report.graph
    (app / "extra.toy").write_text("call core\n")
    graph, cached = load_graph(app)
    assert not cached and toy.builds == 2 and "extra" in graph.modules


def test_language_override_and_unclaimed_folders(toy: ToyFrontend, tmp_path: Path) -> None:
    app = _toy_monolith(tmp_path)
    (app / "pkg").mkdir()
    (app / "pkg" / "__init__.py").write_text("")
    # the first frontend that claims the folder reads it; --language picks another
    assert frontends.frontend_for(app).language == "python"
    assert frontends.frontend_for(app, "toy") is toy
    graph, _ = load_graph(app, language="toy", use_cache=False)
    assert graph.language == "toy" and set(graph.modules) == {"web", "core", "store"}
    known = sorted(frontends.languages())
    assert "toy" in known and "python" in known
    with pytest.raises(InputError, match=rf"unknown language 'cobol' \(known: {', '.join(known)}\)"):
        frontends.frontend_for(app, "cobol")
    empty = tmp_path / "empty"
    empty.mkdir()
    tried = ", ".join(frontends.languages())
    with pytest.raises(InputError, match=rf"holds no .*Toy package \(languages tried: {tried}\)"):
        frontends.frontend_for(empty)


def test_python_graph_round_trips_with_its_language() -> None:
    graph = ModuleGraph("/x", (".",), ("a",), {"a": ModuleInfo("a", "a/__init__.py", 1, True)}, (), (), "grimp")
    data = graph.to_dict()
    assert data["language"] == "python"
    assert ModuleGraph.from_dict(data) == graph
    del data["language"]  # a cache written before languages existed
    assert ModuleGraph.from_dict(data).language == "python"
