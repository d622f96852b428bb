"""The Elixir example monolith: its graph, its tangles, its roadmap, and its own ExUnit suite."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import networkx as nx
import pytest

from tests.conftest import REPO, require_tool
from vsmctl.analysis.elixir.frontend import ElixirFrontend
from vsmctl.analysis.model import ModuleGraph
from vsmctl.roadmap.loader import load_roadmap
from vsmctl.roadmap.patterns import assign

EXAMPLE_EX = REPO / "examples" / "vsm_monolith_ex"


@pytest.fixture(scope="module")
def graph() -> ModuleGraph:
    frontend = ElixirFrontend()
    return frontend.build(frontend.discover(EXAMPLE_EX, ()), None)


def _defmodule_names() -> set[str]:
    """Every `defmodule`/`defprotocol` name written at the start of a line in lib/, read as text."""
    names = set()
    for path in (EXAMPLE_EX / "lib").rglob("*.ex"):
        for line in path.read_text().splitlines():
            if line.startswith(("defmodule ", "defprotocol ")):
                names.add(line.split()[1])
    return names


def _line_of(rel: str, needle: str) -> int:
    lines = (EXAMPLE_EX / rel).read_text().splitlines()
    return next(i for i, line in enumerate(lines, start=1) if needle in line)


def test_every_module_found(graph: ModuleGraph) -> None:
    top_level = _defmodule_names()
    assert len(top_level) > 25
    assert top_level <= set(graph.modules)
    # Beyond what a line-start grep finds: a nested module and a protocol implementation.
    assert set(graph.modules) - top_level == {
        "VsmPhoenix.S1.Units.Unit", "VsmPhoenix.Core.Describable.VsmPhoenix.S1.Units.Unit",
    }
    assert graph.top_packages == ("vsm_phoenix",)
    # test/support is compiled only in the test environment: said, not analyzed.
    assert [(p.path, p.kind) for p in graph.problems] == [("test/support", "skipped")]


def test_reference_kinds_with_lines(graph: ModuleGraph) -> None:
    kinds = {(s.importer, s.imported, s.kind, s.line) for s in graph.imports}
    ops = "lib/vsm_phoenix/s1/operations.ex"
    assert ("VsmPhoenix.S1.Operations", "VsmPhoenix.Core.Subsystem", "compile",
            _line_of(ops, "use VsmPhoenix.Core.Subsystem")) in kinds
    assert ("VsmPhoenix.S3.Control", "VsmPhoenix.Telemetry.Instrument", "compile",
            _line_of("lib/vsm_phoenix/s3/control.ex", "Instrument.measure")) in kinds
    assert ("VsmPhoenix.S5.Policy", "VsmPhoenix.Algedonic.Signal", "export",
            _line_of("lib/vsm_phoenix/s5/policy.ex", "%VsmPhoenix.Algedonic.Signal{")) in kinds
    app = "lib/vsm_phoenix/application.ex"
    assert ("VsmPhoenix.Application", "VsmPhoenix.S3.Control", "runtime",
            _line_of(app, "VsmPhoenix.S3.Control,")) in kinds
    assert ("VsmPhoenix.Application", "VsmPhoenix.Telemetry.Metrics", "runtime",
            _line_of(app, "&Telemetry.Metrics.incr/1")) in kinds
    assert ("VsmPhoenix.Console", "VsmPhoenix.Console.Commands", "runtime",
            _line_of("lib/vsm_phoenix/console/console.ex", "apply(Commands")) in kinds
    assert ("VsmPhoenix.S2.Coordination", "VsmPhoenix.S1.Operations", "runtime",
            _line_of("lib/vsm_phoenix/s2/coordination.ex", "GenServer.call(VsmPhoenix.S1.Operations")) in kinds
    for site in graph.imports:
        source = (EXAMPLE_EX / graph.modules[site.importer].path).read_text().splitlines()
        assert source[site.line - 1].strip() == site.text


def test_the_tangles_are_found(graph: ModuleGraph) -> None:
    edges = {(s.importer, s.imported) for s in graph.imports}
    # A cycle across S3, S4 and telemetry.
    digraph = nx.DiGraph(edges)
    cycle = {"VsmPhoenix.S3.Audit", "VsmPhoenix.S4.Forecast", "VsmPhoenix.Telemetry.Reporter"}
    assert any(set(c) == cycle for c in nx.simple_cycles(digraph))
    # Core calling a subsystem.
    assert ("VsmPhoenix.Core.Registry", "VsmPhoenix.S1.Units") in edges
    # A compile-time dependency that should be a runtime one.
    compile_edges = {(s.importer, s.imported, s.line) for s in graph.imports if s.kind == "compile"}
    assert ("VsmPhoenix.S1.Operations", "VsmPhoenix.Config.Settings",
            _line_of("lib/vsm_phoenix/s1/operations.ex", "@limits VsmPhoenix.Config.Settings")) in compile_edges


def test_the_roadmap_maps_it_onto_the_vsm_packages(graph: ModuleGraph) -> None:
    roadmap = load_roadmap(EXAMPLE_EX / "roadmap.yaml")
    python_roadmap = load_roadmap(REPO / "roadmap.yaml")
    assert {p.name for p in roadmap.packages} == {p.name for p in python_roadmap.packages}
    assigned = assign(roadmap, graph.modules)
    assert assigned.ambiguous == {}
    # The application and the top-level facade are the monolith's glue, as vsm/app.py is.
    assert set(assigned.unassigned) == {"VsmPhoenix", "VsmPhoenix.Application"}
    assert assigned.package_of["VsmPhoenix.Core.Describable.VsmPhoenix.S1.Units.Unit"] == "vsm-s1-operations"
    assert assigned.package_of["VsmPhoenix.Telemetry.Reporter"] == "vsm-telemetry"
    assert not assigned.unmatched_patterns


def test_the_example_passes_its_own_exunit_suite(tmp_path: Path) -> None:
    mix = require_tool("mix", "apt-get install elixir; .ci/run does")
    copy = tmp_path / "vsm_monolith_ex"
    shutil.copytree(EXAMPLE_EX, copy, ignore=shutil.ignore_patterns("_build", "deps"))
    env = {**os.environ, "MIX_HOME": str(tmp_path / "mix_home"), "HEX_OFFLINE": "1"}
    done = subprocess.run([mix, "test"], cwd=copy, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert ", 0 failures" in done.stdout
