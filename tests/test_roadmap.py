from pathlib import Path

import pytest
import yaml
from conftest import EXAMPLE, ROADMAP

from vsmctl.errors import RoadmapError
from vsmctl.roadmap.loader import load_roadmap, parse_roadmap
from vsmctl.roadmap.patterns import assign, matches


def test_repository_roadmap_is_the_vsm_plan():
    roadmap = load_roadmap(ROADMAP)
    names = set(roadmap.names)
    assert {"vsm-core", "vsm-telemetry", "vsm-goldrush", "vsm-rate-limiter", "vsm-config",
            "vsm-s1-operations", "vsm-s2-coordination", "vsm-s3-control", "vsm-s4-intelligence",
            "vsm-s5-policy", "vsm-console", "vsm-api", "vsm-dashboard", "vsm-gateway",
            "vsm-test", "vsm-benchmark", "vsm-security", "vsm-math"} == names
    assert [p.name for p in roadmap.phases] == ["Foundation", "Expansion", "Finalization"]
    assert roadmap.test_command
    # core <- subsystems <- applications: nothing depends upward
    for pkg in roadmap.packages:
        for dep in pkg.depends_on:
            assert roadmap.rank(dep) <= roadmap.rank(pkg.name)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(packages="x"), "packages: expected a mapping"),
        (lambda d: d["packages"]["vsm-core"].update(category="kernel"), "packages.vsm-core.category: expected one of"),
        (lambda d: d["packages"]["vsm-core"].update(depends_on="vsm-goldrush"),
         "packages.vsm-core.depends_on: expected a list"),
        (lambda d: d["packages"]["vsm-core"].update(depends_on=["vsm-nothing"]), "no 'vsm-nothing'"),
        (lambda d: d["packages"]["vsm-core"].update(depends_on=["vsm-api"]), "same or lower layers"),
        (lambda d: d["packages"]["vsm-core"].update(modules=["vsm..core"]), "dotted module patterns"),
        (lambda d: d["packages"]["vsm-core"].update(colour="red"), "packages.vsm-core.colour"),
        (lambda d: d.update(phases=[{"name": "P", "packages": ["ghost"]}]), "phases[0].packages"),
        (lambda d: d.update(version=2), "version: expected 1"),
        # gates are data: known names, typed thresholds
        (lambda d: d["phases"][0].update(gates={"flag_rolout": 100}), "phases[0].gates.flag_rolout: expected a known"),
        (lambda d: d["phases"][0].update(gates={"parallel_run_match": "lots"}),
         "phases[0].gates.parallel_run_match: expected a percentage from 0 to 100"),
        (lambda d: d["phases"][1].update(gates={"flag_rollout": 101}), "phases[1].gates.flag_rollout"),
        (lambda d: d["phases"][1].update(gates={"min_samples": -1}), "phases[1].gates.min_samples"),
        (lambda d: d["phases"][1].update(gates={"soak": "a while"}), "expected a duration like 30m"),
        (lambda d: d["phases"][1].update(gates={"api_compatible": "yes"}), "gates.api_compatible: expected true"),
        (lambda d: d["phases"][1].update(gates={"tests": "fail"}), "gates.tests: expected pass"),
        (lambda d: d["phases"][1].update(gates=[1]), "phases[1].gates: expected a mapping"),
        # paths stay inside the repository, names are usable as git branch names, no cycles
        (lambda d: d["packages"]["vsm-core"].update(path="../../outside"), "packages.vsm-core.path: expected a folder"),
        (lambda d: d["packages"]["vsm-core"].update(path="/tmp/outside"), "packages.vsm-core.path"),
        (lambda d: d["packages"]["vsm-core"].update(path="packages/../../x"), "(not outside it)"),
        (lambda d: d.update(monolith="../elsewhere"), "monolith: expected"),
        (lambda d: d["packages"].update({"a..b": {"category": "core"}}), "packages.a..b: expected a package name"),
        (lambda d: d["packages"].update({"../evil": {"category": "core"}}), "it names a git branch"),
        (lambda d: (d["packages"]["vsm-core"].update(depends_on=["vsm-config"]),
                    d["packages"]["vsm-config"].update(depends_on=["vsm-core"])), "no dependency cycle"),
    ],
)
def test_invalid_roadmaps_name_file_key_and_expectation(mutate, message):
    data = yaml.safe_load(ROADMAP.read_text())
    mutate(data)
    with pytest.raises(RoadmapError, match=r"roadmap\.yaml") as err:
        parse_roadmap(data, Path("roadmap.yaml"))
    assert message in str(err.value)


def test_invalid_yaml_names_the_line(tmp_path):
    bad = tmp_path / "roadmap.yaml"
    bad.write_text("packages:\n  a: [unclosed\n")
    with pytest.raises(RoadmapError, match=r"roadmap.yaml:\d+: invalid YAML"):
        load_roadmap(bad)


def test_patterns_most_specific_wins_and_unmatched_are_reported():
    data = {"packages": {
        "wide": {"category": "core", "modules": ["app"]},
        "narrow": {"category": "core", "modules": ["app.billing", "app.nothing_here"]},
        "deep": {"category": "core", "modules": ["app.**.models"]},
    }}
    roadmap = parse_roadmap(data)
    result = assign(roadmap, ["app", "app.billing", "app.billing.models", "app.x.y.models", "other"])
    assert result.package_of == {"app": "wide", "app.billing": "narrow", "app.billing.models": "narrow",
                                 "app.x.y.models": "deep"}
    assert result.unassigned == ("other",)
    assert ("narrow", "app.nothing_here") in result.unmatched_patterns


@pytest.mark.parametrize(("pattern", "module", "expected"), [
    ("a.b", "a.b.c", True), ("a.b", "a.bc", False), ("a.*", "a", False), ("a.*", "a.x.y", True),
    ("**.models", "models", True), ("a.s*", "a.s3", True), ("a.s*", "a.t", False),
])
def test_pattern_semantics(pattern, module, expected):
    assert matches(pattern, module) is expected


def test_example_roadmap_assignment():
    from vsmctl.analysis.report import load_graph

    graph, _ = load_graph(EXAMPLE, use_cache=False)
    result = assign(load_roadmap(ROADMAP), graph.modules)
    assert result.package_of["vsm.s3.audit"] == "vsm-s3-control"
    assert result.package_of["vsm.algedonic.channel"] == "vsm-core"
    assert set(result.unassigned) == {"vsm", "vsm.app", "vsm.plugins.audit_hooks", "vsm.plugins.variety_amplifier"}


def test_gates_are_typed():
    data = yaml.safe_load(ROADMAP.read_text())
    data["phases"][0]["gates"] = {"tests": "pass", "flag_rollout": 100, "parallel_run_match": 99.9,
                                  "latency_ratio": 1.5, "min_samples": 100, "soak": "24h", "api_compatible": True,
                                  "violations": 0}
    gates = parse_roadmap(data).phases[0].gates
    assert gates.flag_rollout == 100.0 and gates.soak == 86400.0 and gates.min_samples == 100
    assert gates.asked()["api_compatible"] is True and gates.violations == 0
    assert parse_roadmap(yaml.safe_load(ROADMAP.read_text())).phases[1].gates.asked() == {
        "tests": "pass", "flag_rollout": 100.0}


def test_an_alias_bomb_is_refused_quickly(tmp_path):
    import time

    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    bomb = tmp_path / "roadmap.yaml"
    bomb.write_text("\n".join(lines) + "\nname: *a9\npackages: {a: {category: core}}\n")
    start = time.perf_counter()
    with pytest.raises(RoadmapError, match=r"roadmap.yaml:\d+: invalid YAML"):
        load_roadmap(bomb)
    assert time.perf_counter() - start < 2
    data = yaml.safe_load(ROADMAP.read_text())
    data["name"] = ["not", "a", "string"]
    with pytest.raises(RoadmapError, match="name: expected a string"):
        parse_roadmap(data)
