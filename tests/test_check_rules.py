"""Each `check` rule on an in-memory graph and roadmap (no files): what it finds, and what it lets pass."""

from __future__ import annotations

from vsmctl.analysis.model import PLAIN, TYPE_CHECKING, ImportSite, ModuleGraph, ModuleInfo
from vsmctl.analysis.report import build_report
from vsmctl.check.rules import RULES, CheckContext, depends_on, package_cycles, private_modules
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
    assert [r.id for r in RULES] == ["undeclared-dependency", "private-module", "package-cycle"]


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
    assert findings[0].fix.startswith("remove or invert ")
    typing_only = [both[0], ("app.core.db", "app.web.views", 7, TYPE_CHECKING)]
    assert run(package_cycles, graph_of(typing_only), roadmap_of(CORE, WEB)) == []
