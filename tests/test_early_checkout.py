"""The worktree's checkout begun while the extraction is planned (strangler/early_checkout.py):
moved into place when the extraction starts, and nothing left behind when it does not."""

import subprocess

import pytest
from git_repos import init_repo, monolith_repo

from vsmctl.errors import InputError
from vsmctl.strangler import service
from vsmctl.strangler.early_checkout import INCOMING, EarlyCheckout, early_checkout
from vsmctl.strangler.gitops import GitOps


def _worktrees(repo):
    run = subprocess.run(["git", "worktree", "list", "--porcelain"], cwd=repo, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    listed = run.stdout
    return [line.split(" ", 1)[1] for line in listed.splitlines() if line.startswith("worktree ")]


@pytest.fixture()
def small_repo(tmp_path):
    repo = tmp_path / "repo"
    git_repo = init_repo(repo)
    for i in range(30):
        (repo / f"m{i}.py").write_text(f"X = {i}\n")
    git_repo.git.add(A=True)
    git_repo.index.commit("files")
    return repo


def test_the_checkout_moves_into_place_at_the_base_commit(small_repo):
    ops = GitOps(small_repo)
    target = ops.worktree_path("pkg")
    with early_checkout(ops.root, "pkg") as prepared:
        assert prepared is not None
        wt = ops.worktree("pkg", ops.tip("HEAD"), "test", prepared)
    assert sorted(p.name for p in target.parent.iterdir()) == ["pkg"]  # nothing incoming is left
    assert _worktrees(small_repo) == [str(small_repo), str(target)]
    assert (target / "m29.py").read_text() == "X = 29\n" and not wt.is_dirty(untracked_files=True)


def test_another_commit_is_checked_out_anew_and_the_early_one_removed(small_repo):
    ops = GitOps(small_repo)
    first = ops.tip("HEAD")
    with early_checkout(ops.root, "pkg") as prepared:
        (small_repo / "m0.py").write_text("X = 100\n")
        ops.repo.git.commit("-am", "later")
        assert prepared is not None and not prepared.move_to(ops.worktree_path("other"), ops.tip("HEAD"))
        wt = ops.worktree("pkg", ops.tip("HEAD"), "test", prepared)
    assert ops.tip("HEAD") != first and (ops.worktree_path("pkg") / "m0.py").read_text() == "X = 100\n"
    assert wt.head.commit.hexsha == ops.tip("HEAD")
    assert _worktrees(small_repo) == [str(small_repo), str(ops.worktree_path("pkg"))]


def test_a_checkout_not_taken_is_removed(small_repo):
    ops = GitOps(small_repo)
    with early_checkout(ops.root, "pkg") as prepared:
        assert prepared is not None
    assert _worktrees(small_repo) == [str(small_repo)]
    assert not list(ops.worktree_path("pkg").parent.iterdir())


def test_an_incoming_worktree_of_a_process_that_is_gone_is_removed(small_repo):
    ops = GitOps(small_repo)
    target = ops.worktree_path("pkg")
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = target.with_name(f"pkg{INCOMING}{dead.pid}")
    EarlyCheckout(small_repo, target).discard()  # (made by this process, removed)
    subprocess.run(["git", "worktree", "add", "--detach", str(stale), "HEAD"], cwd=small_repo, check=True,
                   capture_output=True)
    with early_checkout(ops.root, "pkg"):
        assert not stale.exists()
    assert _worktrees(small_repo) == [str(small_repo)]


def test_a_refused_extraction_leaves_no_worktree(tmp_path):
    repo = tmp_path / "repo"
    monolith_repo(repo)
    (repo / "examples" / "vsm_monolith" / "vsm" / "api" / "handlers.py").write_text("# changed\n")
    with pytest.raises(InputError, match="uncommitted changes"):
        service.extract(repo, "vsm-config", "strangler")
    with pytest.raises(InputError, match="not a package of the roadmap"):
        service.extract(repo, "no-such-package", "strangler")
    assert _worktrees(repo) == [str(repo)]
    assert not (repo / ".git" / "vsmctl" / "worktrees").exists() or not list(
        (repo / ".git" / "vsmctl" / "worktrees").iterdir())


def test_outside_a_repository_nothing_is_begun(tmp_path):
    with early_checkout(tmp_path, "pkg") as prepared:
        assert prepared is None
