from pathlib import Path

import pytest

from vsmctl.analysis.python.discovery import discover
from vsmctl.errors import InputError


def test_flat_layout_with_several_packages(tree):
    root = tree({"alpha/__init__.py": "", "alpha/x.py": "", "beta/__init__.py": "", "tests/__init__.py": "",
                 "notapkg/readme.txt": "hi"})
    found = discover(root)
    assert found.packages == ("alpha", "beta")
    assert {f.module for f in found.files} == {"alpha", "alpha.x", "beta"}
    assert found.source_root == root.resolve()


def test_src_layout(tree):
    root = tree({"src/app/__init__.py": "", "src/app/core.py": "", "setup.py": ""})
    found = discover(root)
    assert found.packages == ("app",)
    assert found.source_root == (root / "src").resolve()


def test_path_that_is_a_package(tree):
    root = tree({"app/__init__.py": "", "app/sub/__init__.py": "", "app/sub/m.py": ""})
    found = discover(root / "app")
    assert found.packages == ("app",)
    assert {f.module for f in found.files} == {"app", "app.sub", "app.sub.m"}


def test_folder_without_init_is_kept_and_marked(tree):
    root = tree({"app/__init__.py": "", "app/plugins/p.py": "", "app/plugins/deep/q.py": "", "app/data/x.txt": ""})
    files = {f.module: f for f in discover(root).files}
    assert files["app.plugins.p"].namespace_folder
    assert files["app.plugins.deep.q"].namespace_folder
    assert "app.data" not in files


def test_exclude_glob(tree):
    root = tree({"app/__init__.py": "", "app/legacy/__init__.py": "", "app/legacy/old.py": "", "app/new.py": ""})
    modules = {f.module for f in discover(root, ("app/legacy",)).files}
    assert modules == {"app", "app.new"}


def test_missing_path_is_an_input_error(tmp_path: Path):
    with pytest.raises(InputError, match="no such file or directory"):
        discover(tmp_path / "nope")


def test_folder_without_packages_is_an_input_error(tree):
    root = tree({"script.py": "print(1)\n"})
    with pytest.raises(InputError, match="holds no Python package"):
        discover(root)



def test_a_new_file_that_is_no_module_changes_the_fingerprint(tree):
    # django-otp: a new migration (0002_*.py) must reach the report, not a cached one without it
    root = tree({"app/__init__.py": "", "app/migrations/__init__.py": "", "app/migrations/0001_a.py": ""})
    before = discover(root).fingerprint_rows()
    (root / "app" / "migrations" / "0002_b.py").write_text("")
    assert discover(root).fingerprint_rows() != before


def test_the_cached_report_names_a_new_migration(tree):
    import json

    from conftest import run_cli

    root = tree({"app/__init__.py": "", "app/models.py": "", "app/migrations/__init__.py": "",
                 "app/migrations/0001_initial.py": "import app.models\n"})
    first = run_cli("analyze", "monolith", str(root), "--json", cwd=root)
    assert first.returncode == 0, first.stderr
    (root / "app" / "migrations" / "0002_more.py").write_text("")
    second = json.loads(run_cli("analyze", "monolith", str(root), "--json", cwd=root).stdout)
    assert {p["path"] for p in second["problems"]} == {"app/migrations/0001_initial.py",
                                                       "app/migrations/0002_more.py"}
