"""A local template folder as a versioned git repository, so that `copier update` can resolve it.

copier records the template's source and commit in the package's answers file; `copier update`
needs both to render the old version again and merge. A plain folder (vsmctl's built-in template,
or a `--template` folder that is not a git repository) gives neither, so it is copied into a git
repository in the user's data folder (`$VSMCTL_TEMPLATES_HOME`, else
`$XDG_DATA_HOME/vsmctl/templates`, else `~/.local/share/vsmctl/templates`: one path for every
clone, so an extraction's answers file does not depend on where the repository sits) and tagged
with a PEP 440 version
(`<vsmctl version>.post<n>`, increasing, so copier's "latest tag" is the newest): the same content
(its hash is in the commit message) keeps its tag; changed content (a newer vsmctl) is a new commit
and tag, which `copier update` brings into the package.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

from vsmctl.errors import InputError

_GIT_ENV = {"GIT_AUTHOR_NAME": "vsmctl", "GIT_AUTHOR_EMAIL": "vsmctl@localhost", "GIT_COMMITTER_NAME": "vsmctl",
            "GIT_COMMITTER_EMAIL": "vsmctl@localhost", "GIT_CONFIG_NOSYSTEM": "1"}


def _git(cwd: Path, *args: str) -> str:
    run = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                         env={**os.environ, **_GIT_ENV})
    if run.returncode != 0:
        raise InputError(f"git {' '.join(args)} in {cwd}: {run.stderr.strip() or run.stdout.strip()}")
    return run.stdout.strip()


def content_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def is_git_repository(folder: Path) -> bool:
    return (folder / ".git").exists()


def templates_home() -> Path:
    configured = os.environ.get("VSMCTL_TEMPLATES_HOME")
    if configured:
        return Path(configured)
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "vsmctl" / "templates"


def repository_name(source: Path) -> str:
    """vsmctl's own templates by their name (one repository whichever install or clone uses
    them); any other folder by its name and where it is: two different templates that share a
    folder name must not take turns committing to one repository (each turn a new tag, so the
    same template would give a different `_commit` from one extraction to the next)."""
    from vsmctl.resources import templates_dir

    resolved = source.resolve()
    if resolved.parent == templates_dir().resolve():
        return source.name
    return f"{source.name}-{hashlib.sha256(str(resolved).encode()).hexdigest()[:10]}"


def versioned_template(source: Path) -> tuple[Path, str]:
    """The template `source` as a tagged git repository in the user's data folder (made or
    brought up to date), and the tag of this content: copier renders from it and records a
    reference it can resolve later."""
    import fcntl

    from vsmctl import __version__

    repo = templates_home() / repository_name(source)
    repo.parent.mkdir(parents=True, exist_ok=True)
    with open(repo.parent / f".{repo.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two extractions at once: one makes the commit, the other reuses it
        return _commit_template(repo, source, __version__)


def _commit_template(repo: Path, source: Path, version: str) -> tuple[Path, str]:
    digest = content_hash(source)
    if not is_git_repository(repo):
        repo.mkdir(parents=True, exist_ok=True)
        _git(repo, "init", "-q", "-b", "main")
    tags = _git(repo, "tag", "--list").split()
    tag = f"{version}.post{len(tags)}"
    if tags and _git(repo, "log", "-1", "--format=%s").endswith(digest):
        at_head = _git(repo, "tag", "--points-at", "HEAD").split()
        if at_head:
            return repo, at_head[-1]
        _git(repo, "tag", tag)  # a run stopped between the commit and its tag
        return repo, tag
    for entry in repo.iterdir():
        if entry.name != ".git":
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    shutil.copytree(source, repo, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__", ".git"))
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "--allow-empty", "-m", f"vsmctl template {source.name} {tag}, content {digest}")
    _git(repo, "tag", tag)
    return repo, tag
