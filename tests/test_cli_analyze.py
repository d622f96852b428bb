"""`vsmctl analyze monolith` as a user runs it: real subprocesses, real files."""

import json
import shutil

import jsonschema
from conftest import EXAMPLE, REPO, ROADMAP, run_cli

SCHEMA = json.loads((REPO / "docs" / "analysis.schema.json").read_text())


def test_terminal_report_on_the_example():
    result = run_cli("analyze", "monolith", str(EXAMPLE), "--roadmap", str(ROADMAP), "--no-cache")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "53 modules" in out
    assert "vsm.s3.audit → vsm.s4.forecast → vsm.telemetry.reporter → vsm.s3.audit" in out
    assert "vsm/core/registry.py:10" in out
    assert "Remove or invert these 2 package edge(s)" in out
    assert "Modules no pattern claims (4)" in out


def test_json_document_follows_its_schema():
    result = run_cli("analyze", "monolith", str(EXAMPLE), "--roadmap", str(ROADMAP), "--json", "--no-cache")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    jsonschema.validate(doc, SCHEMA)
    assert doc["summary"]["modules"] == 53
    assert doc["summary"]["violations"] == 4
    assert {e["source"] for e in doc["cycle_breakers"]["edges"]} == {"vsm-core", "vsm-telemetry"}


def test_json_without_roadmap_follows_the_schema_too(tmp_path):
    # outside this repository, so that no roadmap.yaml is found at the workspace root either
    shutil.copytree(EXAMPLE, tmp_path / "example")
    result = run_cli("analyze", "monolith", str(tmp_path / "example"), "--json", "--no-cache")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    jsonschema.validate(doc, SCHEMA)
    assert doc["assignment"] is None and doc["violations"] == []


def test_graph_formats_written_to_files(tmp_path):
    for fmt, marker in (("mermaid", "graph BT"), ("dot", "digraph"), ("html", "<svg")):
        out = tmp_path / f"graph.{fmt}"
        result = run_cli("analyze", "monolith", str(EXAMPLE), "-r", str(ROADMAP), "--format", fmt, "-o", str(out))
        assert result.returncode == 0, result.stderr
        text = out.read_text()
        assert marker in text
        assert "vsm-s3-control" in text
    html = (tmp_path / "graph.html").read_text()
    # self-contained: its scripts are inline, nothing is loaded from anywhere
    assert "<script src" not in html and "<link" not in html and "https://" not in html
    assert "vsm/core/registry.py:10" in html


def test_mermaid_to_stdout_marks_violations():
    result = run_cli("analyze", "monolith", str(EXAMPLE), "-r", str(ROADMAP), "--format", "mermaid")
    assert result.returncode == 0
    assert "linkStyle" in result.stdout and "stroke:#d62728" in result.stdout


def one_line_error(result, code=2):
    assert result.returncode == code, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def test_missing_path(tmp_path):
    line = one_line_error(run_cli("analyze", "monolith", str(tmp_path / "nope")))
    assert "no such file or directory" in line


def test_path_without_python_package(tmp_path):
    (tmp_path / "x.txt").write_text("hello")
    assert "holds no Elixir or Python package" in one_line_error(run_cli("analyze", "monolith", str(tmp_path)))


def test_invalid_roadmap(tmp_path):
    bad = tmp_path / "roadmap.yaml"
    bad.write_text("packages:\n  vsm-core: {category: kernel}\n")
    line = one_line_error(run_cli("analyze", "monolith", str(EXAMPLE), "-r", str(bad)))
    assert "roadmap.yaml: packages.vsm-core.category: expected one of" in line


def test_output_to_unwritable_place(tmp_path):
    target = tmp_path / "missing-dir" / "graph.html"
    line = one_line_error(run_cli("analyze", "monolith", str(EXAMPLE), "--format", "html", "-o", str(target)))
    assert "does not exist" in line
    assert not target.exists()
    line = one_line_error(run_cli("analyze", "monolith", str(EXAMPLE), "--format", "dot", "-o", "/proc/graph.dot"))
    assert "cannot write /proc/graph.dot" in line


def test_syntax_errors_and_non_utf8_are_warnings_not_failures(tree):
    root = tree({"app/__init__.py": "", "app/a.py": "import app.b\n", "app/b.py": "def (:\n",
                 "app/c.py": b"x = '\xff'\n"})
    result = run_cli("analyze", "monolith", str(root), "--no-cache")
    assert result.returncode == 0, result.stderr
    assert "app/b.py:1: syntax error" in result.stdout
    assert "app/c.py: not UTF-8" in result.stdout
    assert "2 file(s) could not be analyzed" in result.stderr
    assert "Traceback" not in result.stderr


def test_conflicting_options_are_usage_errors():
    line = one_line_error(run_cli("analyze", "monolith", str(EXAMPLE), "--json", "--format", "dot"))
    assert "exclusive" in line


def test_help_teaches():
    result = run_cli("analyze", "monolith", "--help")
    assert result.returncode == 0
    assert "--roadmap" in result.stdout and "Example" in result.stdout
    assert run_cli("--version").stdout.startswith("vsmctl ")
