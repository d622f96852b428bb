"""A worktree this process left exactly at its HEAD is used as it is; any other is reset and cleaned."""

from pathlib import Path

import pytest
from git_repos import commit_all

from vsmctl.strangler.gitops import GitOps


@pytest.fixture
def ops(tmp_path):
    (tmp_path / "a.py").write_text("a = 1\n")
    commit_all(tmp_path, "first")
    return GitOps(tmp_path)


def _resets(ops, monkeypatch) -> list[str]:
    import git

    seen: list[str] = []
    real = git.cmd.Git._call_process

    def spy(self, method, *args, **kwargs):
        if method in ("reset", "clean"):
            seen.append(method)
        return real(self, method, *args, **kwargs)

    monkeypatch.setattr(git.cmd.Git, "_call_process", spy)
    return seen


def test_a_worktree_known_clean_is_not_reset_once(ops, monkeypatch):
    head = ops.tip("HEAD")
    wt = ops.worktree("pkg", head, "test")
    ops.known_clean(wt)
    seen = _resets(ops, monkeypatch)
    assert Path(ops.worktree("pkg", head, "test").working_tree_dir) == Path(wt.working_tree_dir)
    assert seen == []
    ops.worktree("pkg", head, "test")  # known clean only until it is used
    assert seen == ["reset", "clean"]


def test_a_worktree_known_clean_at_another_commit_is_reset(ops, monkeypatch):
    first = ops.tip("HEAD")
    (ops.root / "b.py").write_text("b = 1\n")
    ops.repo.git.add("-A")
    ops.repo.index.commit("second")
    wt = ops.worktree("pkg", first, "test")
    ops.known_clean(wt)
    (Path(wt.working_tree_dir) / "stray.txt").write_text("left by a test\n")
    seen = _resets(ops, monkeypatch)
    wt = ops.worktree("pkg", ops.tip("HEAD"), "test")
    assert seen == ["reset", "clean"]
    assert (Path(wt.working_tree_dir) / "b.py").is_file() and not (Path(wt.working_tree_dir) / "stray.txt").exists()


def test_another_gitops_object_knows_nothing_and_resets(ops, monkeypatch):
    head = ops.tip("HEAD")
    ops.known_clean(ops.worktree("pkg", head, "test"))
    seen = _resets(ops, monkeypatch)
    GitOps(ops.root).worktree("pkg", head, "test")  # resume, another process: it cannot know
    assert seen == ["reset", "clean"]
