"""Change coupling: modules that change in the same commits belong together (GitPython)."""

from __future__ import annotations

import os
from collections import defaultdict
from itertools import combinations

from vsmctl.analysis.model import ModuleGraph
from vsmctl.errors import InputError

# A commit touching more modules than this is a sweep (a rename, a reformat), not a signal.
MAX_MODULES_PER_COMMIT = 30


def change_coupling(graph: ModuleGraph, commits: int) -> dict[tuple[str, str], float]:
    """Undirected pair -> weight: each commit adds 1/(k-1) to every pair of the k modules it changed."""
    import git

    try:
        repo = git.Repo(graph.root, search_parent_directories=True)
        head = repo.head.commit
    except (git.InvalidGitRepositoryError, git.NoSuchPathError, ValueError) as exc:
        raise InputError(f"{graph.root}: --history needs a git repository with commits ({exc})") from None
    top = repo.working_tree_dir or graph.root
    prefix = os.path.relpath(graph.root, top).replace(os.sep, "/")
    prefix = "" if prefix == "." else prefix + "/"
    by_path = {prefix + info.path: name for name, info in graph.modules.items()}
    weights: dict[tuple[str, str], float] = defaultdict(float)
    for commit in repo.iter_commits(head, max_count=commits):
        changed = sorted({by_path[p] for p in commit.stats.files if p in by_path})
        if not 2 <= len(changed) <= MAX_MODULES_PER_COMMIT:
            continue
        share = 1.0 / (len(changed) - 1)
        for a, b in combinations(changed, 2):
            weights[(a, b)] += share
    return dict(weights)
