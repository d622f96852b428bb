"""The interactive graph page in a real browser (headless Chromium over the DevTools protocol).

Skipped with a reason where Chromium is absent; CI installs it and sets VSMCTL_REQUIRE_SERVERS=1,
which turns the skip into a failure. With VSMCTL_UPDATE_SCREENSHOT=1 the example's screenshot is
written to docs/graph-page.png (the README shows it).
"""

from __future__ import annotations

import json
import os
import random
import time
from pathlib import Path

import pytest
from cdp import Browser
from conftest import EXAMPLE, REPO, ROADMAP, require_tool, run_cli

from vsmctl.analysis.model import ImportSite, ModuleGraph, ModuleInfo
from vsmctl.analysis.report import build_report
from vsmctl.render.analysis_html import to_html
from vsmctl.roadmap.model import Roadmap, TargetPackage


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    chromium = require_tool("chromium", "Debian: apt-get install chromium", ("/usr/bin",))
    b = Browser(chromium, tmp_path_factory.mktemp("chromium-profile"))
    yield b
    b.close()


def load(browser: Browser, page: Path) -> None:
    start = len(browser.events)
    browser.open(page.as_uri())
    browser.events_since = start  # type: ignore[attr-defined]
    assert browser.js("document.querySelectorAll('#nodes .node').length") > 0


def page_errors(browser: Browser) -> list[str]:
    events, browser.events = browser.events, browser.events[browser.events_since:]  # type: ignore[attr-defined]
    try:
        return browser.errors()
    finally:
        browser.events = events


def click_edge(browser: Browser, source: str, target: str, count: int = 1) -> None:
    """A real mouse click at the middle of the edge, where a person would click."""
    point = browser.js(f"""(() => {{
        const g = [...document.querySelectorAll('#edges .edge-group')].find(
            (x) => x.dataset.source === {source!r} && x.dataset.target === {target!r});
        const path = g.querySelector('.edge-hit');
        const p = path.getPointAtLength(path.getTotalLength() / 2).matrixTransform(path.getScreenCTM());
        return [p.x, p.y];
    }})()""")
    browser.click(point[0], point[1], count)


def node_ids(browser: Browser) -> list[str]:
    return browser.js("[...document.querySelectorAll('#nodes .node')].map((n) => n.dataset.id)")


def overlaps(browser: Browser) -> int:
    return browser.js("""(() => {
        const r = [...document.querySelectorAll('#nodes .node rect')].map((x) => x.getBoundingClientRect());
        const meet = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
        let n = 0;
        for (let i = 0; i < r.length; i++) for (let j = i + 1; j < r.length; j++) if (meet(r[i], r[j])) n++;
        return n;
    })()""")


def test_example_page(browser: Browser, tmp_path: Path) -> None:
    page = tmp_path / "graph.html"
    result = run_cli("analyze", "monolith", str(EXAMPLE), "-r", str(ROADMAP), "--format", "html", "-o", str(page))
    assert result.returncode == 0, result.stderr
    load(browser, page)
    assert page_errors(browser) == []
    assert [u for u in browser.requests() if not u.startswith("file:")] == []  # nothing from the network
    packages = {"vsm-api", "vsm-config", "vsm-console", "vsm-core", "vsm-goldrush", "vsm-rate-limiter",
                "vsm-s1-operations", "vsm-s2-coordination", "vsm-s3-control", "vsm-s4-intelligence",
                "vsm-s5-policy", "vsm-telemetry"}
    assert set(node_ids(browser)) == packages
    assert overlaps(browser) == 0
    # the legend draws each look with the edge's own classes: breakers orange, violations red
    looks = browser.js("""[...document.querySelectorAll('#legend line')].map((l) => {
        const s = getComputedStyle(l); return [l.getAttribute('class'), s.stroke, s.strokeDasharray]; })""")
    assert ["edge breaker", "rgb(255, 127, 14)", "none"] in looks
    assert ["edge violation", "rgb(214, 39, 40)", "none"] in looks
    assert any(cls == "edge ok typing" and dash != "none" for cls, _, dash in looks)
    drawn = browser.js("""[...document.querySelectorAll('#edges .edge')].map((p) => [
        p.parentNode.dataset.source, p.parentNode.dataset.target, p.getAttribute('class'),
        getComputedStyle(p).strokeDasharray])""")
    assert ["vsm-core", "vsm-s1-operations", "edge breaker", "none"] in drawn
    s2_s3 = next(d for d in drawn if d[:2] == ["vsm-s2-coordination", "vsm-s3-control"])
    assert "typing" in s2_s3[2] and s2_s3[3] != "none"  # TYPE_CHECKING only: dashed, really

    click_edge(browser, "vsm-core", "vsm-s1-operations")
    assert browser.js("document.getElementById('details-title').textContent") == "vsm-core → vsm-s1-operations"
    sites = browser.js("[...document.querySelectorAll('#sites li')].map((li) => li.textContent)")
    assert len(sites) == 1
    assert sites[0].startswith("examples/vsm_monolith/vsm/core/registry.py:10 vsm.core.registry → vsm.s1.units")
    assert "from vsm.s1.units import OperationalUnit" in sites[0]
    if os.environ.get("VSMCTL_UPDATE_SCREENSHOT") == "1":
        browser.screenshot(REPO / "docs" / "graph-page.png")

    # search, then drill into a package's modules and back
    browser.js("const s = document.getElementById('search'); s.value = 's3'; "
               "s.dispatchEvent(new Event('input'))")
    assert browser.js("[...document.querySelectorAll('#nodes .node.match')].map((n) => n.dataset.id)") == [
        "vsm-s3-control"]
    box = browser.js("""(() => { const r = document.querySelector('#nodes .node[data-id="vsm-core"] rect')
        .getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })()""")
    browser.click(box[0], box[1], 2)
    modules = node_ids(browser)
    assert {"vsm.core.registry", "vsm.core.types"} <= set(modules)
    assert "package vsm-s1-operations" in modules  # the other side of its edges, as one node
    click_edge(browser, "vsm.core.registry", "package vsm-s1-operations")
    assert "vsm/core/registry.py:10" in browser.js("document.getElementById('sites').textContent")
    browser.js("document.getElementById('back').click()")
    assert set(node_ids(browser)) == packages
    # filters
    browser.js("const v = document.getElementById('only-violations'); v.checked = true; "
               "v.dispatchEvent(new Event('change'))")
    shown = browser.js("[...document.querySelectorAll('#edges .edge')].map((p) => p.getAttribute('class'))")
    assert len(shown) == 4 and all(" violation" in c or " breaker" in c for c in shown)  # the 4 violations
    assert page_errors(browser) == []


def generated(packages: int = 50, per_package: int = 20, seed: int = 7) -> tuple[ModuleGraph, Roadmap]:
    """A 50-package, 1,000-module monolith: layered, mostly downward imports, a few upward ones."""
    rng = random.Random(seed)
    categories = ("support", "core", "subsystems", "applications")
    names = [f"pkg{i:02d}" for i in range(packages)]
    category = {n: categories[min(i * len(categories) // packages, len(categories) - 1)] for i, n in enumerate(names)}
    modules = {f"app.{p}.m{j:02d}": ModuleInfo(f"app.{p}.m{j:02d}", f"app/{p}/m{j:02d}.py", 30)
               for p in names for j in range(per_package)}
    sites = []
    mods = sorted(modules)
    for importer in mods:
        for _ in range(rng.randint(1, 4)):
            imported = rng.choice(mods)
            pa, pb = importer.split(".")[1], imported.split(".")[1]
            if imported == importer or (names.index(pb) > names.index(pa) and rng.random() > 0.02):
                continue  # imports point down the layers, but for a few
            sites.append(ImportSite(importer, imported, len(sites) % 50 + 1, f"import {imported}"))
    rank = {p: categories.index(category[p]) for p in names}
    deps = {p: tuple(q for q in names[: names.index(p)] if rank[q] <= rank[p]) for p in names}
    roadmap = Roadmap(None, "generated", tuple(TargetPackage(p, category[p], deps[p], (f"app.{p}.**",))
                                               for p in names), categories=categories)
    graph = ModuleGraph("/generated", (".",), ("app",), modules, tuple(sorted(set(sites), key=repr)), (), "test")
    return graph, roadmap


def test_fifty_packages_and_a_thousand_modules(browser: Browser, tmp_path: Path) -> None:
    graph, roadmap = generated()
    assert len(graph.modules) == 1000
    page = tmp_path / "big.html"
    page.write_text(to_html(build_report(graph, roadmap)), encoding="utf-8")
    started = time.monotonic()
    load(browser, page)
    assert time.monotonic() - started < 20
    assert page_errors(browser) == []
    assert len(node_ids(browser)) == 50
    assert overlaps(browser) == 0
    edge = browser.js("const g = document.querySelector('#edges .edge-group'); [g.dataset.source, g.dataset.target]")
    click_edge(browser, edge[0], edge[1])
    sites = browser.js("[...document.querySelectorAll('#sites li')].map((li) => li.textContent)")
    assert sites and all(s.startswith(f"app/{edge[0]}/m") for s in sites)
    # drill into a package: its 20 modules and the packages they import from
    browser.js("document.querySelector('#nodes .node[data-id=\"pkg49\"]').dispatchEvent("
               "new MouseEvent('dblclick', {bubbles: true}))")
    inside = [m for m in node_ids(browser) if m.startswith("app.pkg49.")]
    assert len(inside) == 20
    assert overlaps(browser) == 0
    assert page_errors(browser) == []


def test_names_are_text_never_markup(browser: Browser, tmp_path: Path) -> None:
    hostile = '<img src=x onerror="document.title=1">&amp;</script>'
    graph, roadmap = generated(packages=4, per_package=3)
    first = roadmap.packages[0]
    roadmap = Roadmap(None, hostile, (TargetPackage(hostile, first.category, (), first.modules),
                                      *roadmap.packages[1:]), categories=roadmap.categories)
    roadmap = Roadmap(None, hostile, tuple(
        TargetPackage(p.name, p.category, tuple(hostile if d == first.name else d for d in p.depends_on), p.modules)
        for p in roadmap.packages), categories=roadmap.categories)
    page = tmp_path / "hostile.html"
    page.write_text(to_html(build_report(graph, roadmap)), encoding="utf-8")
    load(browser, page)
    assert page_errors(browser) == []
    assert hostile in node_ids(browser)
    assert browser.js("document.querySelectorAll('img').length") == 0
    assert browser.js("document.title") != "1"


def test_the_same_page_serves_proposals(browser: Browser, tmp_path: Path) -> None:
    page = tmp_path / "proposal.html"
    result = run_cli("analyze", "monolith", str(EXAMPLE), "-r", str(ROADMAP), "--propose", "--format", "html",
                     "-o", str(page))
    assert result.returncode == 0, result.stderr
    assert run_cli("analyze", "monolith", str(EXAMPLE), "--propose", "--format", "dot").returncode == 2
    load(browser, page)
    assert page_errors(browser) == []
    proposal = json.loads(run_cli("analyze", "monolith", str(EXAMPLE), "-r", str(ROADMAP),
                                                 "--propose", "--json").stdout)
    assert set(node_ids(browser)) == {p["name"] for p in proposal["packages"]}
    assert browser.js("document.getElementById('title').textContent").startswith("proposed packages (seeded)")
    layers = browser.js("[...document.querySelectorAll('#filter-layer option')].map((o) => o.value)")
    assert layers[:2] == ["", "wave 1"]
    edge = browser.js("const g = document.querySelector('#edges .edge-group'); [g.dataset.source, g.dataset.target]")
    click_edge(browser, edge[0], edge[1])
    assert browser.js("document.querySelectorAll('#sites li').length") >= 1
    assert overlaps(browser) == 0
