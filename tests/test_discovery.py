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


def test_files_that_are_no_module_names_are_reported_per_folder(tree):
    # django-otp: otp_email/migrations/0001_initial.py ... 0006_*.py were silently missing ("problems: 0")
    root = tree({"src/app/__init__.py": "", "src/app/mail/__init__.py": "", "src/app/mail/models.py": "",
                 "src/app/mail/migrations/__init__.py": "",
                 **{f"src/app/mail/migrations/000{i}_step.py": "import app.mail.models\n" for i in range(1, 5)},
                 "src/app/other/my-script.py": ""})
    found = discover(root)
    assert "app.mail.migrations" in {f.module for f in found.files}
    problems = {p.path: p for p in found.problems}
    assert set(problems) == {"src/app/mail/migrations", "src/app/other"}
    migrations = problems["src/app/mail/migrations"]
    assert migrations.kind == "not-a-module-name"
    assert "4 .py file(s)" in migrations.message
    assert "0001_step.py, 0002_step.py, ..., 0004_step.py" in migrations.message
    assert "my-script.py" in problems["src/app/other"].message


def test_a_new_unnamed_file_changes_the_fingerprint(tree):
    root = tree({"app/__init__.py": "", "app/migrations/__init__.py": "", "app/migrations/0001_a.py": ""})
    before = discover(root).fingerprint_rows()
    (root / "app" / "migrations" / "0002_b.py").write_text("")
    assert discover(root).fingerprint_rows() != before  # the cached report would not name it otherwise


def test_analyze_and_check_on_a_django_shaped_app(tree):
    """The report names the migrations; `check` does not fail on them (their imports are a gap, not an error)."""
    from conftest import run_cli

    root = tree({"app/__init__.py": "", "app/models.py": "", "app/migrations/__init__.py": "",
                 "app/migrations/0001_initial.py": "import app.models\n",
                 "roadmap.yaml": "packages:\n  core:\n    category: core\n    modules: [app]\n"})
    analyzed = run_cli("analyze", "monolith", str(root), "--json", cwd=root)
    assert analyzed.returncode == 0, analyzed.stderr
    import json

    [problem] = json.loads(analyzed.stdout)["problems"]
    assert (problem["path"], problem["kind"]) == ("app/migrations", "not-a-module-name")
    assert "0001_initial.py" in problem["message"]
    checked = run_cli("check", "--roadmap", str(root / "roadmap.yaml"), str(root), cwd=root)
    assert checked.returncode == 0, checked.stdout + checked.stderr
