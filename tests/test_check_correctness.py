"""`check` never misleads: unreadable files fail it, cycle findings keep their keys and point at the
edge their fix names, and TYPE_CHECKING-only imports can be exempted."""

from __future__ import annotations

import json

from conftest import run_cli

MONOLITH = "examples/vsm_monolith"


def check_json(repo, *args):  # type: ignore[no-untyped-def]
    result = run_cli("check", "--json", *args, cwd=repo)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def test_a_file_that_does_not_parse_fails_check_by_file_and_line(example_repo) -> None:
    assert run_cli("check", "--update-baseline", cwd=example_repo).returncode == 0
    views = example_repo / MONOLITH / "vsm" / "console" / "views.py"
    # the syntax error hides a forbidden import: without the rule the findings would not change
    views.write_text("from vsm.s3.allocation import allocate\n" + views.read_text() + "\ndef broken(:\n")
    line = views.read_text().count("\n")
    result = run_cli("check", cwd=example_repo)
    assert result.returncode == 1
    assert f"{MONOLITH}/vsm/console/views.py:{line}" in result.stdout
    assert "unparsable-file" in result.stdout and "syntax error" in result.stdout
    # a baseline never swallows it
    assert run_cli("check", "--update-baseline", cwd=example_repo).returncode == 1
    baseline = json.loads((example_repo / ".vsm" / "check-baseline.json").read_text())
    assert not any(v["rule"] == "unparsable-file" for v in baseline["violations"])


def test_cycle_findings_are_keyed_by_edge_and_point_at_the_edge_they_name(example_repo) -> None:
    code, doc = check_json(example_repo)
    cycles = [f for f in doc["new"] if f["rule"] == "package-cycle"]
    assert [f["key"] for f in cycles] == ["package-cycle:vsm-core->vsm-s1-operations",
                                         "package-cycle:vsm-telemetry->vsm-s3-control"]
    # each points at an import of the edge its fix names (both are the undeclared edges)
    assert [(f["file"], f["line"]) for f in cycles] == [(f"{MONOLITH}/vsm/core/registry.py", 10),
                                                      (f"{MONOLITH}/vsm/telemetry/reporter.py", 5)]
    assert cycles[0]["fix"].startswith("remove or invert vsm-core → vsm-s1-operations")
    for f in cycles:
        text = (example_repo / f["file"]).read_text().splitlines()[f["line"] - 1]
        target = f["key"].split("->")[1].removeprefix("vsm-").split("-")[0]
        assert f"vsm.{target}" in text

    assert run_cli("check", "--update-baseline", cwd=example_repo).returncode == 0
    units = example_repo / MONOLITH / "vsm" / "s1" / "units.py"
    original = units.read_text()
    # a new import that merges the two cycles: only it is new, no old cycle is "fixed"
    units.write_text("import vsm.telemetry.reporter\n" + original)
    code, doc = check_json(example_repo)
    assert code == 1
    assert [f["key"] for f in doc["new"]] == ["undeclared-dependency:vsm.s1.units->vsm.telemetry.reporter"]
    assert doc["gone_from_baseline"] == []
    # reverting it brings back exactly the baseline: nothing new, nothing gone
    units.write_text(original)
    code, doc = check_json(example_repo)
    assert code == 0 and doc["new"] == [] and doc["gone_from_baseline"] == []
    # a new cycle is new, at the import that closes it
    units.write_text("import vsm.s2.dampener\n" + original)
    code, doc = check_json(example_repo)
    new_cycles = [(f["key"], f["file"], f["line"]) for f in doc["new"] if f["rule"] == "package-cycle"]
    assert new_cycles == [("package-cycle:vsm-s1-operations->vsm-s2-coordination",
                           f"{MONOLITH}/vsm/s1/units.py", 1)]


def test_roadmap_option_exempts_type_checking_imports(example_repo) -> None:
    key = "undeclared-dependency:vsm.s2.coordination->vsm.s3.control"
    _code, doc = check_json(example_repo)
    assert key in [f["key"] for f in doc["new"]]
    roadmap = example_repo / "roadmap.yaml"
    original = roadmap.read_text()
    roadmap.write_text("ignore_type_checking_imports: true\n" + original)
    _code, doc = check_json(example_repo)
    assert key not in [f["key"] for f in doc["new"]]
    assert len(doc["new"]) == 5
    roadmap.write_text("ignore_type_checking_imports: sometimes\n" + original)
    result = run_cli("check", cwd=example_repo)
    assert result.returncode == 2
    assert "ignore_type_checking_imports: expected true or false" in result.stderr


def test_graph_formats_draw_type_checking_edges_dashed(example_repo) -> None:
    mermaid = run_cli("analyze", "monolith", MONOLITH, "--format", "mermaid", cwd=example_repo).stdout
    dot = run_cli("analyze", "monolith", MONOLITH, "--format", "dot", cwd=example_repo).stdout
    # vsm-s2-coordination -> vsm-s3-control is TYPE_CHECKING-only and undeclared: dashed and red
    ids = {line.split("[")[0].strip(): line for line in mermaid.splitlines() if '["' in line}
    s2 = next(i for i, line in ids.items() if "vsm-s2-coordination<br/>" in line)
    s3 = next(i for i, line in ids.items() if "vsm-s3-control<br/>" in line)
    assert any(line.strip().startswith(f"{s2} -.->") and line.strip().endswith(s3) for line in mermaid.splitlines())
    edge = next(line for line in dot.splitlines() if '"vsm-s2-coordination" -> "vsm-s3-control"' in line)
    assert "style=dashed" in edge and "#d62728" in edge
