"""The roadmap cites nothing outside the repository, docs/roadmap.md describes its phases and
categories, and packages that name no modules get one note in `analyze` and `check`."""

from __future__ import annotations

import re

from conftest import EXAMPLE, REPO, ROADMAP, run_cli, write_tree

from vsmctl.roadmap.loader import load_roadmap


def test_roadmap_cites_only_files_in_the_repository():
    text = ROADMAP.read_text()
    comments = "\n".join(line.split("#", 1)[1] for line in text.splitlines() if "#" in line)
    cited = re.findall(r"[\w./-]+/[\w.-]+\.(?:txt|md|yaml|json|py)\b", comments)
    assert "docs/roadmap.md" in cited
    for path in cited:
        assert (REPO / path).is_file(), f"roadmap.yaml cites {path}, which is not in the repository"
    assert "shared/" not in text


def test_docs_describe_every_phase_category_and_package():
    doc = (REPO / "docs" / "roadmap.md").read_text()
    roadmap = load_roadmap(ROADMAP)
    for phase in roadmap.phases:
        assert f"| {phase.name} (" in doc, phase.name  # a row of the phase table
        row = next(line for line in doc.splitlines() if line.startswith(f"| {phase.name} ("))
        assert all(p in row for p in phase.packages), (phase.name, row)
    for category in roadmap.categories:
        assert f"**{category}**" in doc
    for package in roadmap.packages:
        assert f"`{package.name}`" in doc or package.name in doc, package.name


def _note_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if "name no modules" in line]


def test_analyze_and_check_note_packages_without_modules_once():
    roadmap = load_roadmap(ROADMAP)
    empty = [p.name for p in roadmap.without_modules]
    assert len(empty) == 6
    analyze = run_cli("analyze", "monolith", str(EXAMPLE), "-r", str(ROADMAP))
    check = run_cli("check", "-r", str(ROADMAP), str(EXAMPLE))
    assert analyze.returncode == 0 and check.returncode == 1
    for output, consequence in ((analyze.stdout, "this analysis does not cover them"),
                                (check.stdout, "no rule checks them")):
        [line] = _note_lines(output)
        assert line.startswith("note: 6 roadmap package(s) name no modules yet") and consequence in line
        assert all(name in line for name in empty)
        assert "(phase Expansion)" in line and "(phase Finalization)" in line
    # the documentation quotes the note as check prints it
    assert _note_lines(check.stdout)[0] in (REPO / "docs" / "roadmap.md").read_text()


ROADMAP_TEXT = """
version: 1
name: small
categories: [core, apps]
packages:
  core: {category: core, modules: [app.core]}
  web: {category: apps, depends_on: [core], modules: [app.web]}
  later: {category: apps, depends_on: [core]%s}
"""


def test_the_note_names_packages_without_a_phase_and_goes_when_they_have_modules(tmp_path):
    write_tree(tmp_path, {"app/__init__.py": "", "app/core.py": "X = 1\n", "app/web.py": "from app import core\n",
                          "app/later.py": "", "roadmap.yaml": ROADMAP_TEXT % ""})
    [line] = _note_lines(run_cli("check", "--no-cache", cwd=tmp_path).stdout)
    assert line == "note: 1 roadmap package(s) name no modules yet, so no rule checks them: later (no phase)"
    (tmp_path / "roadmap.yaml").write_text(ROADMAP_TEXT % ", modules: [app.later]")
    for args in (("check", "--no-cache"), ("analyze", "monolith", ".", "--no-cache")):
        result = run_cli(*args, cwd=tmp_path)
        assert result.returncode == 0, result.stdout + result.stderr
        assert _note_lines(result.stdout) == []
