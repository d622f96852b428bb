"""vsmctl's Louvain: networkx's, without the round-off loop of networkx issue #8739."""

from __future__ import annotations

import random
import subprocess
import sys
import textwrap

import networkx as nx
import pytest
from conftest import EXAMPLE

from vsmctl.propose import community
from vsmctl.propose.louvain import louvain_communities
from vsmctl.propose.service import propose_boundaries

# Graph Atlas G674: networkx 3.6.1 moves nodes back and forth between tied communities forever.
ISSUE_8739_EDGES = [(0, 1), (0, 2), (0, 5), (0, 6), (1, 2), (1, 4), (2, 3), (2, 5), (2, 6), (3, 4)]
ISSUE_8739_RUN = textwrap.dedent(f"""
    import networkx as nx
    from vsmctl.propose.louvain import louvain_communities
    found = louvain_communities(nx.Graph({ISSUE_8739_EDGES}), resolution=1, seed=123)
    print(sorted(sorted(c) for c in found))
""")


def test_the_issue_8739_graph_finishes():
    # In a subprocess with a timeout: a regression fails here instead of hanging the suite
    # (with networkx 3.6.1's own function in place of ours, this times out).
    done = subprocess.run([sys.executable, "-c", ISSUE_8739_RUN], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    found = eval(done.stdout)
    assert sorted(n for c in found for n in c) == list(range(7))  # a partition of all seven nodes


def test_every_seed_and_resolution_finishes_on_the_issue_graph():
    graph = nx.Graph(ISSUE_8739_EDGES)
    for resolution in (0.5, 1, 2):
        for seed in range(20):
            found = louvain_communities(graph, resolution=resolution, seed=seed)
            assert sorted(n for c in found for n in c) == list(range(7))


def weighted_random_graph(seed: int) -> nx.Graph:
    graph = nx.gnm_random_graph(80, 260, seed=seed)
    draw = random.Random(seed)
    for a, b in graph.edges:
        graph[a][b]["weight"] = draw.uniform(0.05, 3.0)
    return graph


def weighted_karate() -> nx.Graph:
    return nx.karate_club_graph()  # its edges carry integer "weight"s (meetings)


@pytest.mark.parametrize("make", [weighted_karate, lambda: weighted_random_graph(1), lambda: weighted_random_graph(2)])
@pytest.mark.parametrize("resolution", [1.0, 2.0])
def test_without_ties_the_partition_is_networkx_s(make, resolution):
    graph = make()
    for seed in range(6):
        ours = louvain_communities(graph, resolution=resolution, seed=seed)
        theirs = nx.community.louvain_communities(graph, weight="weight", resolution=resolution, seed=seed)
        assert ours == theirs  # same sets in the same order: same random draws, same moves


def test_an_edgeless_graph_is_all_singletons():
    graph = nx.Graph()
    graph.add_nodes_from("abc")
    assert louvain_communities(graph, seed=0) == [{"a"}, {"b"}, {"c"}]


def test_the_example_s_proposal_is_the_one_networkx_gave(monkeypatch):
    _graph, ours = propose_boundaries(EXAMPLE, use_cache=False)

    def networkx_louvain(graph, resolution, seed):
        return nx.community.louvain_communities(graph, weight="weight", resolution=resolution, seed=seed)

    monkeypatch.setattr(community, "louvain_communities", networkx_louvain)
    _graph, before = propose_boundaries(EXAMPLE, use_cache=False)
    assert len(set(ours.partition.values())) > 1
    assert ours.partition == before.partition
    assert ours == before  # packages, cycles, waves, score: all of it


def test_a_level_that_never_settles_ends_after_its_passes_with_a_valid_partition(monkeypatch):
    """The last guard against a float tie cycling for ever: every node always finds another community
    "better" (what a rounding cycle looks like); the pass limit ends each level. Without it this test
    would not return: an alarm fails it instead."""
    import signal

    from vsmctl.propose import louvain

    def restless(own, weights2com, *args):
        return next((com for com in weights2com if com != own), own)

    monkeypatch.setattr(louvain, "_best_community", restless)
    monkeypatch.setattr(louvain, "MAX_PASSES", 50)
    graph = nx.karate_club_graph()

    def too_long(*_):
        raise TimeoutError("a Louvain level did not end")

    previous = signal.signal(signal.SIGALRM, too_long)
    signal.alarm(60)
    try:
        found = louvain.louvain_communities(graph, resolution=1, seed=3)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert sorted(node for community in found for node in community) == sorted(graph.nodes)
    assert all(found)
