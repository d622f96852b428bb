"""The same commands on an Elixir monolith: analyze (JSON schema, cache), check and --propose."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import REPO, run_cli, write_tree

EXAMPLE_EX = REPO / "examples" / "vsm_monolith_ex"
SCHEMA = json.loads((REPO / "docs" / "analysis.schema.json").read_text())


@pytest.fixture()
def example(tmp_path: Path) -> Path:
    copy = tmp_path / "vsm_monolith_ex"
    shutil.copytree(EXAMPLE_EX, copy, ignore=shutil.ignore_patterns("_build", "deps", ".vsm"))
    return copy


def test_analyze_json_follows_the_schema_and_is_cached(example: Path) -> None:
    first = run_cli("analyze", "monolith", str(example), "--json")
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    jsonschema.validate(report, SCHEMA)
    assert report["language"] == "elixir" and report["engine"] == "tree-sitter"
    assert report["roadmap"] == str(example / "roadmap.yaml")
    assert report["summary"]["modules"] == 33
    assert set(report["summary"]["kinds"]) == {"compile", "export", "runtime"}
    assert all(n > 0 for n in report["summary"]["kinds"].values())
    assert [c["members"] for c in report["cycles"]] == [
        ["VsmPhoenix.S3.Audit", "VsmPhoenix.S4.Forecast", "VsmPhoenix.Telemetry.Reporter"]]
    # The module cycle is runtime only; a package cycle through S3's macro use of telemetry is not.
    assert [c["compile_time"] for c in report["cycles"]] == [False]
    compile_time = {tuple(c["members"]): c["compile_time"] for c in report["package_cycles"]}
    assert compile_time[("vsm-s3-control", "vsm-s4-intelligence", "vsm-telemetry")] is True
    assert not report["cached"]
    again = json.loads(run_cli("analyze", "monolith", str(example), "--json").stdout)
    assert again["cached"] and again["module_edges"] == report["module_edges"]
    # A changed file is seen: the cache follows the fingerprint.
    reporter = example / "lib" / "vsm_phoenix" / "telemetry" / "reporter.ex"
    reporter.write_text(reporter.read_text().replace("length(VsmPhoenix.S3.Audit.recent())", "0"))
    fixed = json.loads(run_cli("analyze", "monolith", str(example), "--json").stdout)
    assert not fixed["cached"] and fixed["cycles"] == []


def test_check_fails_on_the_tangles_with_sarif(example: Path, tmp_path: Path) -> None:
    sarif_path = tmp_path / "check.sarif"
    done = run_cli("check", str(example), "--format", "sarif", "-o", str(sarif_path))
    assert done.returncode == 1, done.stderr
    sarif = json.loads(sarif_path.read_text())
    found = {(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
              r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in sarif["runs"][0]["results"]}
    rules = {rule for rule, _uri, _line in found}
    assert rules == {"package-cycle", "undeclared-dependency"}
    uris = {uri.rsplit("/", 1)[-1] for _rule, uri, _line in found}
    # core -> S1, S1 -> config at compile time, telemetry -> S3: the example's tangles.
    assert {"registry.ex", "operations.ex", "reporter.ex"} <= uris
    # A baseline accepts today's violations; then check passes.
    assert run_cli("check", str(example), "--update-baseline").returncode == 0
    assert run_cli("check", str(example)).returncode == 0


def test_compile_time_and_runtime_cycles_are_told_apart(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "mix.exs": "defmodule A.MixProject do\n  def project, do: [app: :a]\nend\n",
        "lib/macros.ex": """
            defmodule A.Macros do
              defmacro twice(x), do: quote(do: unquote(x) * 2)
              def config, do: A.Config.get()
            end
        """,
        "lib/config.ex": """
            defmodule A.Config do
              require A.Macros
              def get, do: A.Macros.twice(21)
            end
        """,
        "lib/ping.ex": "defmodule A.Ping do\n  def go, do: A.Pong.go()\nend\n",
        "lib/pong.ex": "defmodule A.Pong do\n  def go, do: A.Ping.go()\nend\n",
    })
    done = run_cli("analyze", "monolith", str(tmp_path), "--json", "--no-cache")
    assert done.returncode == 0, done.stderr
    cycles = {tuple(c["members"]): c["compile_time"] for c in json.loads(done.stdout)["cycles"]}
    assert cycles == {("A.Config", "A.Macros"): True, ("A.Ping", "A.Pong"): False}
    human = run_cli("analyze", "monolith", str(tmp_path), "--no-cache").stdout
    assert "compile-time: every change recompiles the cycle" in human
    assert "runtime only: no recompiles" in human


def test_propose_on_the_elixir_graph(example: Path) -> None:
    done = run_cli("analyze", "monolith", str(example), "--propose", "--json")
    assert done.returncode == 0, done.stderr
    proposal = json.loads(done.stdout)
    members = {m for p in proposal["packages"] for m in p["members"]}
    assert "VsmPhoenix.S5.Policy" in members
    by_name = {p["name"]: p for p in proposal["packages"]}
    assert "VsmPhoenix.Telemetry.Metrics" in by_name["vsm-telemetry"]["members"]
    assert proposal["extraction_order"]


def test_a_folder_with_mix_exs_is_read_as_elixir(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "mix.exs": "defmodule A.MixProject do\n  def project, do: [app: :a]\nend\n",
        "lib/a.ex": "defmodule A do\n  def b, do: A.B.c()\nend\n",
        "lib/a/b.ex": "defmodule A.B do\n  def c, do: :ok\nend\n",
        "helper/__init__.py": "",  # Python claims the folder too: mix.exs wins
    })
    done = run_cli("analyze", "monolith", str(tmp_path), "--json", "--no-cache")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["language"] == "elixir"
    assert report["summary"]["modules"] == 2
    assert report["summary"]["kinds"] == {"compile": 0, "export": 0, "runtime": 1}
    as_python = run_cli("analyze", "monolith", str(tmp_path), "--language", "python", "--json", "--no-cache")
    assert as_python.returncode == 0 and json.loads(as_python.stdout)["language"] == "python"


def test_bad_elixir_input_is_one_line(tmp_path: Path) -> None:
    write_tree(tmp_path, {"mix.exs": 'defmodule U.MixProject do\n  def project, do: [apps_path: "apps"]\nend\n'})
    done = run_cli("analyze", "monolith", str(tmp_path))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and "holds no app" in done.stderr


def test_graph_formats_draw_the_elixir_packages(example: Path, tmp_path: Path) -> None:
    for fmt in ("mermaid", "dot", "html"):
        out = tmp_path / f"graph.{fmt}"
        done = run_cli("analyze", "monolith", str(example), "--format", fmt, "--output", str(out))
        assert done.returncode == 0, done.stderr
        text = out.read_text()
        assert "vsm-s3-control" in text and "vsm-telemetry" in text
