"""The defects left open by the trial on django-otp 1.7.5 and mistune 3.4.0 (docs/real-projects.md,
numbers 4, 5, 7, 8, 12, 13, 14, 16, 17, 21), each on a small project of that shape in tmp_path.

Real git repositories, the real CLI in a subprocess, each step running the project's own tests;
fresh venvs with the pip that `python -m venv` installs where installing is the point.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import git
from conftest import run_cli, write_tree
from git_repos import tree_hash
from test_real_shapes import APP_ONLY, SETUPTOOLS_LIB, TESTS_INSIDE, UNITTEST, extract, fresh_venv_python, make_repo

# Django's runner given two labels (django-otp: `django test django_otp otp_email`): unittest discovery
# in the monolith's source root and in every extracted package, in one run, with one "Ran N tests" line.
RUN_ALL = """
    import os
    import sys
    import unittest

    roots = ["src"] + sorted(os.path.join("packages", d) for d in os.listdir("packages")) \\
        if os.path.isdir("packages") else ["src"]
    suite = unittest.TestSuite()
    for root in roots:
        suite.addTests(unittest.TestLoader().discover(root, pattern="tests.py", top_level_dir=root))
    sys.exit(not unittest.TextTestRunner().run(suite).wasSuccessful())
    """


def _project(repo: Path) -> dict:
    return tomllib.loads((repo / "packages" / "app-email" / "pyproject.toml").read_text())["project"]


# --- 13: the shim of a moved test module broke unittest's (Django's) discovery ------------------------
def test_moved_test_modules_are_not_shimmed_and_discovery_runs_them(tmp_path):
    repo = make_repo(tmp_path / "repo", {**TESTS_INSIDE, "runtests.py": RUN_ALL}, test_command="python runtests.py")
    ran = tmp_path / "email-tests-ran"
    result = run_cli("extract", "subsystem", "app-email", cwd=repo, env={"EMAIL_TESTS_RAN": str(ran)})
    # before: step shim failed, "ImportError: 'tests' module incorrectly imported from .../packages/..."
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert not (repo / "src" / "app" / "plugins" / "email" / "tests.py").exists()
    assert (repo / "src" / "app" / "plugins" / "email" / "models.py").is_file()  # the other modules are shimmed
    assert (repo / "packages" / "app-email" / "app_email" / "tests.py").is_file()
    assert "shim: note: left unshimmed (test modules move with the package" in result.stderr
    assert "app.plugins.email.tests" in result.stderr
    assert ran.read_text().count("ran") == 3  # the app's own test ran at scaffold, move and shim


# --- 12: a green step that ran fewer tests ----------------------------------------------------------
def test_a_step_that_ran_fewer_tests_fails_and_resumes_with_the_widened_command(tmp_path):
    # django-otp: move passed with "Ran 142 tests" instead of 174 (otp_email/tests.py out of the label's reach)
    repo = make_repo(tmp_path / "repo", {**TESTS_INSIDE, "runtests.py": RUN_ALL}, test_command=UNITTEST)
    env = {"EMAIL_TESTS_RAN": str(tmp_path / "ran")}
    result = run_cli("extract", "subsystem", "app-email", cwd=repo, env=env)
    assert result.returncode == 1
    assert "step 'move' was undone: its tests ran 1 test(s), 2 after step 'scaffold'" in result.stderr
    assert (repo / "src" / "app" / "plugins" / "email" / "tests.py").is_file()  # the move was undone
    status = json.loads(run_cli("extract", "status", "app-email", "--json", cwd=repo).stdout)["extractions"][0]
    assert status["status"] == "interrupted" and status["remaining"] == ["move", "shim"]
    # the user widens the test command (on the migration branch) and resumes
    roadmap = repo / "roadmap.yaml"
    roadmap.write_text(roadmap.read_text().replace(UNITTEST, "python runtests.py"))
    r = git.Repo(repo)
    r.git.commit("-am", "run the extracted package's tests too")
    result = run_cli("extract", "resume", "app-email", "--json", cwd=repo, env=env)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    steps = {s["step"]: s for s in json.loads(result.stdout)["steps"]}
    assert (steps["scaffold"]["tests_ran"], steps["move"]["tests_ran"], steps["shim"]["tests_ran"]) == (2, 2, 2)


def test_the_number_of_tests_is_read_from_each_runner():
    from vsmctl.strangler.testrun import tests_ran

    assert tests_ran("...\n----\nRan 174 tests in 61.2s\n\nOK (skipped=4)\n") == 174
    assert tests_ran("Ran 1 test in 0.001s\nOK\n...\nRan 2 tests in 0.1s\n") == 3  # a command that runs two suites
    assert tests_ran("Finished in 0.03 seconds\n3 doctests, 10 tests, 0 failures\n") == 13
    assert tests_ran("all good\n") is None


# --- 14: test-only imports were runtime dependencies; the monolith had no version ---------------------
def test_test_only_imports_go_to_the_test_extra_and_the_monolith_gets_its_version(tmp_path):
    files = {**APP_ONLY,
             # mistune's shape: a dynamic version read from the package by setuptools
             "pyproject.toml": textwrap.dedent(APP_ONLY["pyproject.toml"]).replace('version = "1.0"',
                                                                                   'dynamic = ["version"]')
             + '\n[project.optional-dependencies]\ntest = ["freezegun>=1.2"]\n\n'
               '[tool.setuptools.dynamic]\nversion = {attr = "app.__version__"}\n',
             "src/app/__init__.py": '__version__ = "3.4.0"\n',
             "src/app/plugins/email/tests.py": "import unittest\n\nimport freezegun  # noqa: F401\n\n\n"
                                               "class T(unittest.TestCase):\n    pass\n"}
    repo = make_repo(tmp_path / "repo", files)
    result = extract(repo, "subsystem", "app-email", "--no-shims")
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    project = _project(repo)
    assert project["dependencies"] == ["app>=3.4.0"]  # models.py imports app.core
    assert project["optional-dependencies"]["test"] == ["freezegun>=1.2", "pytest"]  # its tests.py, its tests/
    assert "test extra freezegun>=1.2, pytest" in result.stderr


# --- 21: every extraction was 0.1.0, and pip reused the first one's wheel -----------------------------
HATCH_LIB = {**SETUPTOOLS_LIB, "pyproject.toml": """
    [build-system]
    requires = ["hatchling"]
    build-backend = "hatchling.build"

    [project]
    name = "app"
    version = "1.0"

    [project.scripts]
    app = "app.cli:main"

    [tool.hatch.build.targets.wheel]
    packages = ["src/app"]

    [tool.pytest.ini_options]
    pythonpath = ["src"]
    filterwarnings = ["error"]
    """}
INSTALLED = ("import importlib.metadata as m, importlib.util as u\n"
             "print(m.version('app-email'), u.find_spec('app_email.adapters') is not None)")


def test_a_second_extraction_installs_its_own_package_not_a_cached_wheel(tmp_path):
    # django-otp: after a second extraction, `pip install ./django_otp-1.7.5` installed the first one's
    # otp-email (no adapters.py): pip's cached wheel of packages/otp-email, version 0.1.0 every time
    repo = make_repo(tmp_path / "repo", HATCH_LIB)
    venv = tmp_path / "fresh"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    env = {**os.environ, "PIP_CACHE_DIR": str(tmp_path / "pip-cache")}  # one cache for both installs, as a user's

    def install() -> tuple[str, str]:
        done = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", str(repo)], capture_output=True,
                              text=True, timeout=600, env=env)
        assert done.returncode == 0, done.stdout + done.stderr
        out = subprocess.run([str(venv / "bin" / "python"), "-c", INSTALLED], capture_output=True, text=True,
                             cwd=tmp_path, env={**env, "PYTHONWARNINGS": "ignore"})
        assert out.returncode == 0, out.stderr
        subprocess.run([str(venv / "bin" / "pip"), "uninstall", "-qy", "app", "app-email"], check=True, env=env)
        version, adapters = out.stdout.split()
        return version, adapters

    assert extract(repo, "subsystem", "app-email").returncode == 0
    first = install()
    assert first[0] == _project(repo)["version"] and first[0].startswith("0.1.0+sha.") and first[1] == "False"
    assert extract(repo, "rollback", "app-email").returncode == 0
    assert extract(repo, "subsystem", "app-email", "--via", "abstraction").returncode == 0
    second = install()
    assert second == (_project(repo)["version"], "True"), (first, second)
    assert second[0] != first[0]


# --- 4 and 5: a setuptools monolith did not declare the package; the note was only in the log ------
def test_a_setuptools_monolith_installs_the_new_package_and_the_step_says_so(tmp_path):
    files = {**SETUPTOOLS_LIB, "src/app/plugins/email/py.typed": "",
             "src/app/plugins/email/templates/mail.txt": "Hello {name}\n"}
    repo = make_repo(tmp_path / "repo", files)
    result = extract(repo, "subsystem", "app-email", "--json")
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    printed = "scaffold: note: pyproject.toml: builds app_email into the monolith's wheel"
    assert printed in result.stderr  # printed, not only in .vsm/events.jsonl
    notes = next(s for s in json.loads(result.stdout)["steps"] if s["step"] == "scaffold")["notes"]
    assert any("builds app_email into the monolith's wheel" in n for n in notes)
    setuptools = tomllib.loads((repo / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert setuptools["packages"]["find"]["where"] == ["src", "packages/app-email"]
    python = fresh_venv_python(tmp_path, repo)
    code = ("import warnings; warnings.simplefilter('error')\nimport importlib.resources as r, app_email\n"
            "from app.cli import main\nprint(app_email.deliver(), (r.files('app_email') / 'templates' / 'mail.txt')"
            ".read_text().strip(), (r.files('app_email') / 'py.typed').is_file())")
    out = subprocess.run([str(python), "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert out.stdout.split() == ["app_email.send", "Hello", "{name}", "True"], out.stderr
    console = subprocess.run([str(python.parent / "app")], capture_output=True, text=True, timeout=60)
    assert console.stdout == "ok\n", console.stderr


# --- 7: documentation naming the moved modules ------------------------------------------------------
def test_documentation_naming_moved_modules_is_listed_by_the_move_and_by_finish(tmp_path):
    files = {**SETUPTOOLS_LIB, "docs/usage.rst": "Usage\n=====\n\n.. autofunction:: app.plugins.email.deliver\n",
             "README.md": "# app\n\nSee `app.core` and `app.plugins.email.send`.\n"}
    repo = make_repo(tmp_path / "repo", files)
    result = extract(repo, "subsystem", "app-email")
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    listed = "documentation names moved code (edit it yourself): "
    assert f"move: {listed}docs/usage.rst:4: .. autofunction:: app.plugins.email.deliver" in result.stderr
    assert f"move: {listed}README.md:3: See `app.core` and `app.plugins.email.send`." in result.stderr
    # the docstring example of the moved code follows it (certain: it shows the code itself)
    assert "from app_email import deliver" in (repo / "packages/app-email/app_email/send.py").read_text()
    result = extract(repo, "finish", "app-email", "--json")
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert f"finish: {listed}docs/usage.rst:4" in result.stderr
    finish = next(s for s in json.loads(result.stdout)["steps"] if s["step"] == "finish")
    assert ["docs/usage.rst", 4, ".. autofunction:: app.plugins.email.deliver"] in finish["doc_references"]
    assert "app.plugins.email.deliver" in (repo / "docs/usage.rst").read_text()  # prose is the user's to edit


# --- 8: finish of an abstraction whose flag never served ---------------------------------------------
def test_finish_at_zero_percent_warns_and_needs_force(tmp_path):
    repo = make_repo(tmp_path / "repo", SETUPTOOLS_LIB)
    assert extract(repo, "subsystem", "app-email", "--via", "abstraction").returncode == 0
    result = extract(repo, "finish", "app-email")
    assert result.returncode == 1
    assert "all traffic moves to code that never served: flag extract.app-email is at 0%" in result.stderr
    assert "--force" in result.stderr and (repo / "src/app/plugins/email/_legacy_send.py").is_file()
    # on, then back off: the same refusal, saying so
    r = git.Repo(repo)
    for state in ("on", "off"):
        assert run_cli("flag", "flip", "extract.app-email", state, cwd=repo).returncode == 0
        r.git.add("-A")
        r.git.commit("-m", f"flag {state}")
    result = extract(repo, "finish", "app-email")
    assert result.returncode == 1 and "serves none now: flag extract.app-email is at 0% (it was on before" in \
        result.stderr
    result = extract(repo, "finish", "app-email", "--force", "--json")
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert "finish: warning: all traffic moves to code that serves none now" in result.stderr
    assert any("serves none now" in w for w in json.loads(result.stdout)["warnings"])
    assert not (repo / "src/app/plugins/email/_legacy_send.py").exists()


# --- 17: branch by abstraction on a package with Django models ---------------------------------------
DJANGO_MODELS = "from django.db import models\n\n\nclass EmailDevice(models.Model):\n    email = models.EmailField()\n"
# django-otp's EmailDevice derives from another package's model class: its fields say it is one
DERIVED_MODEL = ("from django.db import models\n\nfrom app.core import SideChannelDevice\n\n\n"
                 "class EmailDevice(SideChannelDevice):\n    email = models.EmailField(null=True)\n")
ABSTRACT_ONLY = ("from django.db import models\n\n\nclass Timestamped(models.Model):\n"
                 "    created = models.DateTimeField()\n\n    class Meta:\n        abstract = True\n")


def _abstraction_of(tmp_path: Path, models: str, name: str) -> tuple[Path, subprocess.CompletedProcess[str]]:
    repo = make_repo(tmp_path / name, {**APP_ONLY, "src/app/plugins/email/models.py": models})
    return repo, extract(repo, "subsystem", "app-email", "--via", "abstraction")


def test_branch_by_abstraction_refuses_django_models_before_any_commit(tmp_path):
    for models, name in ((DJANGO_MODELS, "direct"), (DERIVED_MODEL, "derived")):
        repo, result = _abstraction_of(tmp_path, models, name)
        assert result.returncode == 2, result.stdout + result.stderr
        line = result.stderr.strip()
        assert "\n" not in line and "Traceback" not in line
        assert "cannot serve Django models from two places (app.plugins.email.models.EmailDevice" in line
        assert "--via strangler" in line
        r = git.Repo(repo)
        assert r.active_branch.name == "main" and len(list(r.iter_commits())) == 1 and not r.is_dirty(
            untracked_files=True)
        assert "vsm/extract/app-email" not in [h.name for h in r.heads]
    # abstract models define no table: nothing to clash (the dry run plans and applies every step)
    repo = make_repo(tmp_path / "abstract", {**APP_ONLY, "src/app/plugins/email/models.py": ABSTRACT_ONLY})
    result = extract(repo, "subsystem", "app-email", "--via", "abstraction", "--dry-run")
    assert result.returncode == 0, result.stderr


def test_a_package_whose_migrations_create_models_is_refused_too(tmp_path):
    migration = ("from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n"
                 "    operations = [migrations.CreateModel(name='EmailDevice', fields=[])]\n")
    files = {**{k: v for k, v in APP_ONLY.items() if "/migrations/" not in k},
             "src/app/plugins/email/migrations/__init__.py": "",
             "src/app/plugins/email/migrations/0001_initial.py": migration}
    repo = make_repo(tmp_path / "repo", files)
    result = extract(repo, "subsystem", "app-email", "--via", "abstraction")
    assert result.returncode == 2 and "0001_initial.py" in result.stderr, result.stderr


# --- 16: the .vsm/.gitignore that analyze writes stopped the first extraction ------------------------
def test_the_first_extraction_after_analyze_takes_in_vsmctls_gitignore(tmp_path):
    repo = make_repo(tmp_path / "repo", SETUPTOOLS_LIB)
    assert run_cli("analyze", "monolith", ".", cwd=repo).returncode == 0
    assert git.Repo(repo).untracked_files == [".vsm/.gitignore"]
    before = tree_hash(repo)
    result = extract(repo, "subsystem", "app-email")
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    r = git.Repo(repo)
    start = next(c for c in r.iter_commits() if c.summary.endswith("started (strangler)"))
    assert ".vsm/.gitignore" in start.stats.files and not r.is_dirty(untracked_files=True)
    # another untracked file is still the user's: named, refused
    write_tree(repo, {"notes.txt": "mine\n"})
    assert extract(repo, "rollback", "app-email").returncode == 2
    (repo / "notes.txt").unlink()
    assert extract(repo, "rollback", "app-email").returncode == 0
    assert tree_hash(repo) == before  # the .gitignore is back, untracked, as analyze left it
    assert r.untracked_files == [".vsm/.gitignore"]


def test_a_kill_before_the_first_checkout_resumes_with_the_gitignore_taken_in(tmp_path):
    import signal

    repo = make_repo(tmp_path / "repo", SETUPTOOLS_LIB)
    assert run_cli("analyze", "monolith", ".", cwd=repo).returncode == 0
    killed = run_cli("extract", "subsystem", "app-email", cwd=repo, env={"VSMCTL_KILL_AT": "start:after-branch"})
    assert killed.returncode == -signal.SIGKILL
    assert git.Repo(repo).active_branch.name == "main"  # the untracked .gitignore is still there
    result = run_cli("extract", "resume", "app-email", cwd=repo)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    r = git.Repo(repo)
    assert r.active_branch.name == "vsm/extract/app-email" and not r.is_dirty(untracked_files=True)
