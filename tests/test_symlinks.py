"""Symbolic links in the analyzed tree: followed once at most, loops cut, broken links reported; never a hang."""

from __future__ import annotations

import json
import os
from pathlib import Path

from conftest import run_cli, write_tree

from vsmctl.analysis.python.discovery import discover
from vsmctl.analysis.report import load_graph


def _tree(root: Path) -> Path:
    write_tree(root, {
        "app/__init__.py": "", "app/a.py": "import app.b\nimport app.shared.util\n", "app/b.py": "X = 1\n",
        "app/sub/__init__.py": "", "app/sub/m.py": "from app import a\n",
        "vendor/shared/__init__.py": "", "vendor/shared/util.py": "import app.b\n",
    })
    os.symlink("../vendor/shared", root / "app" / "shared")  # a real folder elsewhere: followed
    os.symlink(".", root / "app" / "sub" / "loop")  # back to itself
    os.symlink("..", root / "app" / "sub" / "up")  # up to the package
    os.symlink("sub", root / "app" / "again")  # a second way to a walked folder
    os.symlink("nowhere.py", root / "app" / "dangling.py")
    os.symlink("l2.py", root / "app" / "l1.py")
    os.symlink("l1.py", root / "app" / "l2.py")
    os.symlink("missing_dir", root / "app" / "gone")
    return root


def test_links_are_followed_once_and_broken_ones_reported(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    found = discover(root)
    assert sorted(f.module for f in found.files) == [
        "app", "app.a", "app.b", "app.shared", "app.shared.util", "app.sub", "app.sub.m"]
    assert sorted((p.path, p.kind) for p in found.problems) == [
        ("app/dangling.py", "broken-symlink"), ("app/gone", "broken-symlink"),
        ("app/l1.py", "broken-symlink"), ("app/l2.py", "broken-symlink")]
    graph, _ = load_graph(root, use_cache=False)
    assert graph.engine == "grimp"  # grimp reads the discovered files, not its own endless walk
    assert {("app.a", "app.shared.util"), ("app.shared.util", "app.b"), ("app.sub.m", "app.a")} <= set(graph.edges())
    assert len(graph.problems) == 4


def test_the_cli_finishes_and_check_names_the_broken_link(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    result = run_cli("analyze", "monolith", str(root), "--json", "--no-cache")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert {p["path"] for p in doc["problems"]} == {"app/dangling.py", "app/gone", "app/l1.py", "app/l2.py"}
    assert "4 file(s) could not be analyzed" in result.stderr
    (root / "roadmap.yaml").write_text("packages:\n  app: {category: core, modules: ['app.**']}\n")
    check = run_cli("check", str(root), "--roadmap", str(root / "roadmap.yaml"), cwd=root)
    assert check.returncode == 1
    assert "app/dangling.py  unparsable-file" in check.stdout
