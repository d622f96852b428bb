"""`extract` starts only from a clean tree, and names what is not (one `git status`, parsed)."""

import pytest
from git_repos import commit_all

from vsmctl.errors import InputError
from vsmctl.strangler.gitops import GitOps


@pytest.fixture
def repo(tmp_path):
    (tmp_path / "a.py").write_text("a = 1\n")
    (tmp_path / "b.py").write_text("b = 1\n")
    commit_all(tmp_path, "first")
    return tmp_path


def test_a_clean_tree_passes_and_adopts_only_the_named_untracked_files(repo):
    assert GitOps(repo).check_clean() == []
    (repo / ".vsm").mkdir()
    (repo / ".vsm" / ".gitignore").write_text("cache/\n")
    assert GitOps(repo).check_clean(adopt=(".vsm/.gitignore",)) == [".vsm/.gitignore"]
    with pytest.raises(InputError, match=r"uncommitted changes \(\.vsm/\.gitignore\)"):
        GitOps(repo).check_clean()


@pytest.mark.parametrize(("change", "named"), [
    (lambda r: (r / "a.py").write_text("a = 2\n"), "a.py"),  # modified, not staged
    (lambda r: GitOps(r).repo.git.rm("--cached", "b.py"), "b.py"),  # staged deletion (b.py is untracked too)
    (lambda r: GitOps(r).repo.git.mv("a.py", "c d.py"), "c d.py"),  # a staged rename, a space in its name
    (lambda r: (r / "new file.txt").write_text("x"), "new file.txt"),  # untracked
])
def test_every_kind_of_change_is_refused_and_named(repo, change, named):
    change(repo)
    with pytest.raises(InputError, match="uncommitted changes") as refused:
        GitOps(repo).check_clean()
    assert named in str(refused.value)


def test_a_renamed_files_old_path_is_not_taken_for_an_entry(repo):
    GitOps(repo).repo.git.mv("a.py", "z.py")
    changed, untracked = GitOps(repo)._status()
    assert (changed, untracked) == (["z.py"], [])
