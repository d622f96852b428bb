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
