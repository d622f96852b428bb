"""Issue 10, defect 4 (graph side): every .py file is a module of the graph or a reported problem.

A web application's shape: migrations whose file names start with digits, a folder whose name is
not an identifier holding scripts, templates and static files beside the code.
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_cli, write_tree

from vsmctl.analysis.python.discovery import discover


def _webapp(root: Path) -> Path:
    return write_tree(root, {
        "shop/__init__.py": "", "shop/views.py": "from shop.billing import models\n",
        "shop/billing/__init__.py": "", "shop/billing/models.py": "class Invoice:\n    pass\n",
        "shop/billing/migrations/__init__.py": "",
        "shop/billing/migrations/0001_initial.py": "from shop.billing import models\n",
        "shop/billing/migrations/0002_add-total.py": "",
        "shop/billing/templates/invoice.html": "<p>{{ total }}</p>\n",
        "shop/management-scripts/reindex.py": "print('reindex')\n",
        "shop/management-scripts/deep/more.py": "",
    })


def test_every_python_file_is_a_module_or_a_problem(tmp_path: Path) -> None:
    root = _webapp(tmp_path)
    found = discover(root)
    modules = {f.rel for f in found.files}
    problems = {p.path: p for p in found.problems}
    assert set(problems) == {"shop/billing/migrations/0001_initial.py", "shop/billing/migrations/0002_add-total.py",
                             "shop/management-scripts/reindex.py", "shop/management-scripts/deep/more.py"}
    assert {p.kind for p in problems.values()} == {"not-a-module-name"}
    every = {p.relative_to(root).as_posix() for p in root.rglob("*.py")}
    assert modules | set(problems) == every and not modules & set(problems)


def test_the_cli_reports_them_and_check_does_not_fail_on_them(tmp_path: Path) -> None:
    root = _webapp(tmp_path)
    result = run_cli("analyze", "monolith", str(root), "--json", "--no-cache")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert "shop/billing/migrations/0001_initial.py" in {p["path"] for p in doc["problems"]}
    assert "'0001_initial' is not a Python identifier" in result.stderr
    (root / "roadmap.yaml").write_text("packages:\n  shop: {category: core, modules: ['shop.**']}\n")
    check = run_cli("check", str(root), "--roadmap", str(root / "roadmap.yaml"), cwd=root)
    assert check.returncode == 0, check.stdout + check.stderr  # a note, not a file whose imports hide


def test_a_new_migration_invalidates_the_analysis_cache(tmp_path: Path) -> None:
    root = _webapp(tmp_path)
    first = json.loads(run_cli("analyze", "monolith", str(root), "--json").stdout)
    (root / "shop" / "billing" / "migrations" / "0003_more.py").write_text("")
    again = json.loads(run_cli("analyze", "monolith", str(root), "--json").stdout)
    assert len(again["problems"]) == len(first["problems"]) + 1


def test_a_moved_migration_imports_the_new_package(tmp_path: Path) -> None:
    # django-otp: 0001_initial.py imports the app's models by their dotted path
    from test_extract import commit_and_extract, src_layout_project

    repo = src_layout_project(tmp_path / "shop")
    commit_and_extract(repo, {
        "src/shop/billing/migrations/__init__.py": "",
        "src/shop/billing/migrations/0001_initial.py": "import shop.billing.invoice\n\n"
                                                       "DEFAULT = shop.billing.invoice.total\n",
        "tests/test_migration.py": "import importlib\n\n\ndef test_loads():\n"
                                   "    m = importlib.import_module('shop_billing.migrations.0001_initial')\n"
                                   "    assert m.DEFAULT([2]) == 2\n",
    }, "a migration")
    migration = (repo / "packages/shop-billing/shop_billing/migrations/0001_initial.py").read_text()
    assert migration == "import shop_billing.invoice\n\nDEFAULT = shop_billing.invoice.total\n"
