"""Real git repositories in a folder, for tests and benchmarks (no pytest here, so benchmarks import it too).

A repository has a committer configured, so that vsmctl's own commits (extract, flag) work in it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # GitPython loads with the first repository, not with every test session's conftest
    import git

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "vsm_monolith"
ROADMAP = REPO / "roadmap.yaml"
MONOLITH = "examples/vsm_monolith"  # where the example stands in a repository made by monolith_repo
TEST_USER = ("Test User", "test@example.com")
ANALYST = ("Ana Lyst", "ana@example.com")  # the user of the flag tests' workspaces


def init_repo(folder: Path, user: tuple[str, str] = TEST_USER) -> git.Repo:
    """`git init` (branch main) with `user` (name, email) as the committer; nothing committed."""
    import git

    repo = git.Repo.init(folder, initial_branch="main")
    with repo.config_writer() as cfg:
        cfg.set_value("user", "name", user[0])
        cfg.set_value("user", "email", user[1])
    return repo


def commit_all(folder: Path, message: str, user: tuple[str, str] = TEST_USER) -> git.Repo:
    """`init_repo` and everything in the folder in a first commit."""
    repo = init_repo(folder, user)
    repo.git.add(A=True)
    repo.index.commit(message)
    return repo


def monolith_repo(folder: Path, roadmap: str | None = None, user: tuple[str, str] = TEST_USER) -> git.Repo:
    """A repository with a copy of the example monolith and a roadmap (the bundled one unless its text
    is given), all in a first commit."""
    shutil.copytree(EXAMPLE, folder / MONOLITH, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    if roadmap is None:
        shutil.copy(ROADMAP, folder / "roadmap.yaml")
    else:
        (folder / "roadmap.yaml").write_text(roadmap)
    return commit_all(folder, "the monolith", user)


def tree_hash(root: Path, skip: tuple[str, ...] = (".git", "__pycache__", ".pytest_cache")) -> str:
    """A hash of every file in the working tree (names and bytes) but the folders in `skip`: two
    trees with the same hash are byte for byte the same (what "rollback is exact" means)."""
    digest = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in skip)
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            digest.update(os.path.relpath(path, root).encode())
            with open(path, "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()


def assert_copier_update_brings_a_new_template_version(repo: Path, package: Path, template: Path,
                                                       folder: str = "") -> None:
    """Tag a newer version of the template repository `template` (a CHANGELOG.md more, in its
    `folder`) and check that `copier update` in `repo` brings it into the extracted `package`."""
    import subprocess
    import sys

    import git
    import yaml

    answers = yaml.safe_load((package / ".copier-answers.yml").read_text())
    (template / folder / "CHANGELOG.md").write_text("# Changes\n")
    t = git.Repo(template)
    t.git.add("-A")
    t.git.commit("-m", "a changelog", env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t",
                                           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"})
    t.create_tag(answers["_commit"].replace(".post0", ".post1"))
    update = subprocess.run([sys.executable, "-m", "copier", "update", "--defaults", str(package)], cwd=repo,
                            capture_output=True, text=True, timeout=300, env={**os.environ, "GIT_AUTHOR_NAME": "t"})
    assert update.returncode == 0, update.stdout + update.stderr
    assert (package / "CHANGELOG.md").read_text() == "# Changes\n"
    assert yaml.safe_load((package / ".copier-answers.yml").read_text())["_commit"].endswith(".post1")
