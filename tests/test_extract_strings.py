"""Issue 10, defect 5: strings that name moved code (entry points, tool options, framework
registries) are rewritten where certain, reported where not, and `finish` waits for them.

The project: a src-layout shop with a console script into the moved package, coverage and tox
options naming it, a Django-style AppConfig and settings list, and one string vsmctl cannot be
sure of. Real git repositories, the real CLI, the monolith's own suite run at every step.
"""

import subprocess
import sys

import git
from conftest import write_tree
from test_extract import extract, src_layout_project


def _registry_shop(root):
    repo = src_layout_project(root)
    pyproject = repo / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace(
        'requires-python = ">=3.10"\n',
        'requires-python = ">=3.10"\n\n[project.scripts]\nshop-invoice = "shop.billing.cli:main"\n'
        'shop = "shop.app:run"\n\n[project.entry-points."shop.plugins"]\nbilling = "shop.billing.invoice:total"\n'))
    write_tree(repo, {
        "setup.cfg": "[coverage:run]\nsource = shop.billing\nomit = src/shop/billing/migrations/*\n",
        "tox.ini": "[testenv]\ncommands = pytest --cov=shop.billing --cov=shop.app tests\n",
        "src/shop/billing/cli.py": "from shop.billing.invoice import total\n\n\ndef main():\n    print(total([2]))\n",
        "src/shop/billing/apps.py": "class AppConfig:\n    name = ''\n\n\nclass BillingConfig(AppConfig):\n"
                                    "    name = \"shop.billing\"\n    label = 'billing'\n",
        "src/shop/settings.py": "INSTALLED_APPS = [\n    \"shop.core\",\n    \"shop.billing\",\n]\n"
                                "ROOT_URLCONF = 'shop.billing.urls'\n",
        "src/shop/lookup.py": "import importlib\n\n\ndef handler(name):\n    return name\n\n\n"
                              "DEFAULT = handler(\"shop.billing.invoice\")\n",
        "tests/test_registry.py": """
            import importlib

            from shop import settings


            def test_installed_apps_import():
                for app in settings.INSTALLED_APPS[1:]:
                    assert importlib.import_module(app)
            """,
    })
    r = git.Repo(repo)
    r.git.add("-A")
    r.git.commit("-m", "entry points, tool options, registries")
    return repo


def test_strings_naming_moved_code_are_rewritten_or_reported_and_finish_waits(tmp_path):
    repo = _registry_shop(tmp_path / "shop")
    result = extract(repo, "subsystem", "shop-billing")
    assert result.returncode == 0, result.stdout + result.stderr
    project = (repo / "pyproject.toml").read_text()
    assert 'shop-invoice = "shop_billing.cli:main"' in project  # console script: certain
    assert 'billing = "shop_billing.invoice:total"' in project  # entry point group: certain
    assert 'shop = "shop.app:run"' in project  # not moved: untouched
    assert "source = shop_billing\n" in (repo / "setup.cfg").read_text()
    assert "--cov=shop_billing --cov=shop.app" in (repo / "tox.ini").read_text()
    apps = (repo / "packages" / "shop-billing" / "shop_billing" / "apps.py").read_text()
    assert 'name = "shop_billing"' in apps  # AppConfig.name
    settings = (repo / "src" / "shop" / "settings.py").read_text()
    assert '"shop_billing",' in settings and "'shop_billing.urls'" in settings and '"shop.core"' in settings
    # what is not certain is left as it is and said, with its place
    lookup = (repo / "src" / "shop" / "lookup.py").read_text()
    assert 'handler("shop.billing.invoice")' in lookup
    assert "not sure, left as it is: src/shop/lookup.py:8: shop.billing.invoice" in result.stderr
    assert "not sure, left as it is: setup.cfg:3: src/shop/billing" in result.stderr
    assert "rewrote pyproject.toml:" in result.stderr

    # finish refuses while anything names a module it would remove, listing each
    result = extract(repo, "finish", "shop-billing")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "src/shop/lookup.py:8: shop.billing.invoice" in result.stderr
    assert "setup.cfg:3: src/shop/billing" in result.stderr
    assert (repo / "src" / "shop" / "billing" / "__init__.py").is_file()  # nothing removed

    # the user settles them; finish goes through and the console script's module exists
    (repo / "src" / "shop" / "lookup.py").write_text(lookup.replace("shop.billing.invoice", "shop_billing.invoice"))
    (repo / "setup.cfg").write_text("[coverage:run]\nsource = shop_billing\n")
    r = git.Repo(repo)
    r.git.add("-A")
    r.git.commit("-m", "settle the references vsmctl was not sure of")
    result = extract(repo, "finish", "shop-billing")
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (repo / "src" / "shop" / "billing").exists()
    run = subprocess.run([sys.executable, "-c", "from shop_billing.cli import main; main()"], cwd=repo,
                         capture_output=True, text=True, env={"PYTHONPATH": "src:packages/shop-billing"})
    assert run.returncode == 0 and run.stdout == "2\n", run.stderr


def test_a_file_added_after_the_move_that_imports_through_a_shim_is_rewritten_by_finish(tmp_path):
    repo = src_layout_project(tmp_path / "shop")
    pyproject = repo / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('filterwarnings = ["error"]\n', ""))
    r = git.Repo(repo)
    r.git.commit("-am", "warnings are warnings")
    assert extract(repo, "subsystem", "shop-billing").returncode == 0
    write_tree(repo, {"scripts/late.py": "from shop.billing.invoice import total\n\nprint(total([5]))\n"})
    r.git.add("-A")
    r.git.commit("-m", "a script written against the old path")
    result = extract(repo, "finish", "shop-billing")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "from shop_billing.invoice import total" in (repo / "scripts" / "late.py").read_text()


def test_registry_strings_are_certain_only_where_a_framework_reads_them():
    from vsmctl.strangler.moves import Moves
    from vsmctl.strangler.python.codemods import rewrite_source

    moves = Moves({"shop.billing": "shop_billing"})
    src = ('INSTALLED_APPS = ["shop.billing", "shop.core"]\nROOT = handler("shop.billing.urls")\n'
           'def f():\n    X = "shop.billing"\n')
    out, report = rewrite_source(src, moves, "shop.settings")
    assert report.uncertain_strings == [(2, "shop.billing.urls"), (4, "shop.billing")]
    assert out.startswith('INSTALLED_APPS = ["shop_billing", "shop.core"]\nROOT = handler("shop.billing.urls")')
    assert 'X = "shop.billing"' in out  # a local in a function is no registry
    out, _ = rewrite_source('PLUGINS = ["shop.billing"]\n', moves, "shop.plugins")  # not a settings module
    assert out == 'PLUGINS = ["shop.billing"]\n'
    out, _ = rewrite_source('class C(AppConfig):\n    name = "shop.billing"\n    verbose = "shop.billing"\n',
                            moves, "shop.billing.apps")
    assert 'name = "shop_billing"' in out and 'verbose = "shop.billing"' in out
    out, _ = rewrite_source('setup(entry_points={"console_scripts": ["inv = shop.billing.cli:main"]})\n'
                            'run("shop.billing.asgi:app")\n', moves, "setup")
    assert '"inv = shop_billing.cli:main"' in out and 'run("shop_billing.asgi:app")' in out


def test_imports_shown_in_docstrings_and_comments_follow_and_finish_names_the_rest(tmp_path):
    # mistune: `from mistune.directives import ...` in a moved module's docstring outlived finish
    repo = src_layout_project(tmp_path / "shop")
    write_tree(repo, {"src/shop/billing/invoice.py": '"""Totals.\n\n    >>> from shop.billing.invoice import total\n'
                                                     '    >>> total([1])\n    1\n"""\n\n\n'
                                                     'def total(items):  # import shop.billing.invoice to use\n'
                                                     '    return sum(items)\n'})
    r = git.Repo(repo)
    r.git.commit("-am", "a docstring example")
    assert extract(repo, "subsystem", "shop-billing").returncode == 0
    moved = (repo / "packages/shop-billing/shop_billing/invoice.py").read_text()
    assert ">>> from shop_billing.invoice import total" in moved
    assert "# import shop_billing.invoice to use" in moved
    # written later in the new package, against the old path: finish names it and waits
    write_tree(repo, {"packages/shop-billing/shop_billing/extra.py": '"""Use::\n\n    from shop.billing import '
                                                                      'invoice\n"""\n'})
    r.git.add("-A")
    r.git.commit("-m", "more docs")
    result = extract(repo, "finish", "shop-billing")
    assert result.returncode == 1
    assert "packages/shop-billing/shop_billing/extra.py:3: from shop.billing import invoice" in result.stderr
