"""Scores against hand-computed cases."""

import pytest

from vsmctl.propose.scoring import cross_edges, max_mojo, mojo, mojofm, turbomq


def part(*clusters: str) -> dict[str, str]:
    """part("abc", "de") -> {a: C0, b: C0, c: C0, d: C1, e: C1}"""
    return {obj: f"C{i}" for i, cluster in enumerate(clusters) for obj in cluster}


@pytest.mark.parametrize(("a", "b", "expected"), [
    (part("abc", "de"), part("abc", "de"), 0),
    # move c from the first cluster to the second
    (part("abc", "de"), part("ab", "cde"), 1),
    # join two clusters
    (part("ab", "cd"), part("abcd"), 1),
    # split a cluster: move c and d out (into a new cluster)
    (part("abcd"), part("ab", "cd"), 2),
    # every object alone: 2 joins for B1 (3 objects), 1 for B2 (2 objects)
    (part("a", "b", "c", "d", "e"), part("abc", "de"), 3),
    # three clusters of one B cluster: two joins
    (part("ab", "cd", "ef"), part("abcdef"), 2),
    # A1 holds 2 of B1 and 2 of B2 (tie); A2 holds 2 of B1: matching sends A1 to B2
    (part("abcd", "ef"), part("abef", "cd"), 2),
])
def test_mojo_hand_computed(a, b, expected):
    assert mojo(a, b) == expected


def test_max_mojo_and_mojofm():
    b = part("abc", "de")
    # sizes sorted [2, 3] -> g = 2, n - g = 3
    assert max_mojo(b, b) == 3
    assert mojofm(part("abc", "de"), b) == 100.0
    assert mojofm(part("abc", "de"), part("ab", "cde")) == pytest.approx(66.67)
    # all singletons is the worst A for B? MoJo = 3 = max -> 0
    assert mojofm(part("a", "b", "c", "d", "e"), b) == 0.0


def test_turbomq_and_cross_edges():
    p = part("ab", "cd")
    edges = [("a", "b", 1.0), ("c", "d", 1.0), ("b", "c", 1.0)]
    # each cluster: 2*1 / (2*1 + 1) = 2/3
    assert turbomq(p, edges) == pytest.approx(4 / 3, abs=1e-4)
    assert cross_edges(p, edges) == 1
