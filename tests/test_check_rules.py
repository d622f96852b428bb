"""Each `check` rule on an in-memory graph and roadmap (no files): what it finds, and what it lets pass."""

from __future__ import annotations

from vsmctl.analysis.model import PLAIN, TYPE_CHECKING, ImportSite, ModuleGraph, ModuleInfo, Problem
from vsmctl.analysis.report import build_report
from vsmctl.check.rules import RULES, CheckContext, depends_on, package_cycles, private_modules, unparsable_files
from vsmctl.roadmap.model import Roadmap, TargetPackage


def graph_of(imports: list[tuple[str, str, int, str]] | list[tuple[str, str, int]]) -> ModuleGraph:
    names = sorted({m for imp in imports for m in imp[:2]})
    modules = {m: ModuleInfo(m, m.replace(".", "/") + ".py", 10) for m in names}
    sites = tuple(ImportSite(imp[0], imp[1], imp[2], f"import {imp[1]}", imp[3] if len(imp) > 3 else PLAIN)  # type: ignore[misc]
                  for imp in imports)
    return ModuleGraph("/mono", (".",), ("app",), modules, sites, (), "test")


def roadmap_of(*packages: TargetPackage) -> Roadmap:
    return Roadmap(None, "test", packages, categories=("core", "apps"))


CORE = TargetPackage("core", "core", modules=("app.core", "app.core.*"))
WEB = TargetPackage("web", "apps", depends_on=("core",), modules=("app.web", "app.web.*"))


def run(rule_module, graph: ModuleGraph, roadmap: Roadmap):  # type: ignore[no-untyped-def]
    return rule_module.check(CheckContext(graph, roadmap, build_report(graph, roadmap)))


def test_every_rule_is_registered_once() -> None:
    assert [r.id for r in RULES] == ["unparsable-file", "undeclared-dependency", "private-module", "package-cycle"]
    assert [r.id for r in RULES if not r.baseline] == ["unparsable-file"]


def test_depends_on_rule_reports_each_site_of_an_undeclared_import() -> None:
    graph = graph_of([("app.web.views", "app.core.db", 3), ("app.core.db", "app.web.views", 7),
                      ("app.core.db", "app.web.forms", 9)])
    findings = run(depends_on, graph, roadmap_of(CORE, WEB))
    assert [(f.key, f.path, f.line) for f in findings] == [
        ("undeclared-dependency:app.core.db->app.web.views", "app/core/db.py", 7),
        ("undeclared-dependency:app.core.db->app.web.forms", "app/core/db.py", 9),
    ]
    assert all("invert it" in f.fix for f in findings)  # upward: against the layers


def test_depends_on_rule_passes_declared_imports() -> None:
    graph = graph_of([("app.web.views", "app.core.db", 3)])
    assert run(depends_on, graph, roadmap_of(CORE, WEB)) == []


def test_private_module_rule_finds_underscore_names_and_interface_breaches() -> None:
    core = TargetPackage("core", "core", modules=("app.core", "app.core.*"), interface=("app.core.api",))
    graph = graph_of([("app.web.views", "app.core._impl", 3), ("app.web.views", "app.core.db", 4),
                      ("app.web.views", "app.core.api", 5), ("app.core.db", "app.core._impl", 1)])
    findings = run(private_modules, graph, roadmap_of(core, WEB))
    assert [(f.key, f.line) for f in findings] == [
        ("private-module:app.web.views->app.core._impl", 3),
        ("private-module:app.web.views->app.core.db", 4),
    ]
    assert "'_impl' is private to core" in findings[0].message
    assert "not in core's interface" in findings[1].message


def test_package_cycle_rule_ignores_type_checking_imports() -> None:
    both = [("app.web.views", "app.core.db", 3), ("app.core.db", "app.web.views", 7)]
    findings = run(package_cycles, graph_of(both), roadmap_of(CORE, WEB))
    assert len(findings) == 1 and findings[0].rule == "package-cycle"
    # the edge the fix names is the undeclared one, and the finding points at its import
    assert findings[0].fix.startswith("remove or invert core → web")
    assert (findings[0].key, findings[0].path, findings[0].line) == ("package-cycle:core->web", "app/core/db.py", 7)
    assert findings[0].message == "core → web closes a package cycle: core → web → core"
    typing_only = [both[0], ("app.core.db", "app.web.views", 7, TYPE_CHECKING)]
    assert run(package_cycles, graph_of(typing_only), roadmap_of(CORE, WEB)) == []


def test_unparsable_file_rule_reports_every_problem_by_file_and_line() -> None:
    graph = graph_of([("app.web.views", "app.core.db", 3)])
    graph = ModuleGraph(graph.root, graph.source_roots, graph.top_packages, graph.modules, graph.imports,
                        (Problem("app/web/forms.py", 4, "syntax-error", "syntax error: invalid syntax"),
                         Problem("app/core/raw.py", None, "not-utf8", "not UTF-8"),
                         Problem("test/support", None, "skipped", "not analyzed: outside the source paths")), "test")
    findings = run(unparsable_files, graph, roadmap_of(CORE, WEB))
    assert [(f.key, f.path, f.line) for f in findings] == [
        ("unparsable-file:app/web/forms.py", "app/web/forms.py", 4),
        ("unparsable-file:app/core/raw.py", "app/core/raw.py", None),
    ]  # a folder left out on purpose is a note, not a finding


def test_type_checking_imports_are_exempt_when_the_roadmap_says_so() -> None:
    from dataclasses import replace

    graph = graph_of([("app.core.db", "app.web.views", 7, TYPE_CHECKING), ("app.core.db", "app.web.forms", 9)])
    assert len(run(depends_on, graph, roadmap_of(CORE, WEB))) == 2
    exempt = replace(roadmap_of(CORE, WEB), ignore_type_checking_imports=True)
    assert [f.line for f in run(depends_on, graph, exempt)] == [9]
    only_typing = graph_of([("app.core.db", "app.web.views", 7, TYPE_CHECKING)])
    assert run(depends_on, only_typing, exempt) == []
