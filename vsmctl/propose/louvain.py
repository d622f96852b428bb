"""Louvain community detection that cannot loop forever on round-off ties.

networkx 3.6.1's `louvain_communities` can move a node back and forth between two communities
of equal gain forever: the gains divide by `m` and `m**2`, and the round-off of the division
makes a tie look like a tiny improvement, both ways (networkx issue #8739; it hung
`analyze monolith --propose` on a real graph). networkx fixed it in PR #8757 (merged, not yet
released): the gain and the cost of removal are multiplied by `m**2`, which keeps the best
community the same but leaves far smaller relative round-off (and exact integer comparisons
when the weights and the resolution are integers); a node still moves only when another
community is strictly better.

This module is networkx 3.6.1's Louvain (`louvain_communities`, `louvain_partitions`,
`_one_level`, `_gen_graph`, `_neighbor_weights`) with that fix, reduced to what vsmctl uses:
undirected simple graphs with edge attribute "weight", a resolution, a seed and networkx's
threshold. The random draws are networkx's (one `seed.shuffle` per level, same node order), so
where no tie is at stake it returns exactly networkx's partition.
DROP THIS MODULE (and call `nx.community.louvain_communities` again) once a networkx release
contains PR #8757.

Derived from NetworkX (https://networkx.org), networkx/algorithms/community/louvain.py:
Copyright (c) 2004-2025, NetworkX Developers (Aric Hagberg, Dan Schult, Pieter Swart).
All rights reserved. 3-clause BSD license:
Redistribution and use in source and binary forms, with or without modification, are permitted
provided that the following conditions are met:
  * Redistributions of source code must retain the above copyright notice, this list of
    conditions and the following disclaimer.
  * Redistributions in binary form must reproduce the above copyright notice, this list of
    conditions and the following disclaimer in the documentation and/or other materials provided
    with the distribution.
  * Neither the name of the NetworkX Developers nor the names of its contributors may be used to
    endorse or promote products derived from this software without specific prior written
    permission.
THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND ANY EXPRESS OR
IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND
FITNESS FOR A PARTICULAR PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT OWNER OR
CONTRIBUTORS BE LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES; LOSS OF USE,
DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER
IN CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT
OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
"""

from __future__ import annotations

import random
from collections import defaultdict, deque
from collections.abc import Hashable, Iterator
from typing import Any

import networkx as nx
from networkx.algorithms.community import modularity

THRESHOLD = 0.0000001  # networkx's default: stop when a level gains less modularity than this

Partition = list[set[Any]]


def louvain_communities(graph: nx.Graph, resolution: float = 1, seed: int | random.Random | None = None,
                        threshold: float = THRESHOLD) -> Partition:
    """networkx's `louvain_communities(graph, weight="weight", resolution=, seed=)`, without the
    round-off loop: the partition of the last level."""
    rng = nx.utils.create_py_random_state(seed)  # what networkx's @py_random_state does
    final = deque(louvain_partitions(graph, resolution, threshold, rng), maxlen=1)  # as networkx
    return final.pop()


def louvain_partitions(graph: nx.Graph, resolution: float, threshold: float,
                       seed: random.Random) -> Iterator[Partition]:
    """The partition of each level (networkx's `louvain_partitions`, undirected, "weight")."""
    if graph.is_directed() or graph.is_multigraph():
        raise ValueError("vsmctl's Louvain takes undirected simple graphs only")
    partition: Partition = [{u} for u in graph.nodes()]
    if nx.is_empty(graph):
        yield partition
        return
    mod = modularity(graph, partition, resolution=resolution, weight="weight")
    level = nx.Graph()
    level.add_nodes_from(graph)
    level.add_weighted_edges_from(graph.edges(data="weight", default=1))
    m = level.size(weight="weight")
    partition, inner_partition, _ = _one_level(level, m, partition, resolution, seed)
    improvement = True
    while improvement:
        yield [s.copy() for s in partition]  # networkx gh-5901: the caller may keep the sets
        new_mod = modularity(level, inner_partition, resolution=resolution, weight="weight")
        if new_mod - mod <= threshold:
            return
        mod = new_mod
        level = _gen_graph(level, inner_partition)
        partition, inner_partition, improvement = _one_level(level, m, partition, resolution, seed)


# With weights that are not whole numbers a tie can still come out unequal after rounding, and two
# nodes could swap back and forth for ever; a level ends after this many passes over its nodes (a
# real one settles in tens), keeping the partition it has, which is a valid one.
MAX_PASSES = 1000


def _one_level(graph: nx.Graph, m: float, partition: Partition, resolution: float,
               seed: random.Random) -> tuple[Partition, Partition, bool]:
    """One level of the Louvain tree: move nodes while some move strictly improves modularity.

    Every gain here is networkx's gain times `m**2` (PR #8757): same best community, but no
    division by a large number before the comparison, so a tie stays a tie."""
    node2com = {u: i for i, u in enumerate(graph.nodes())}
    inner_partition: Partition = [{u} for u in graph.nodes()]
    degrees = dict(graph.degree(weight="weight"))
    stot = list(degrees.values())
    nbrs = {u: {v: data["weight"] for v, data in graph[u].items() if v != u} for u in graph}
    rand_nodes = list(graph.nodes)
    seed.shuffle(rand_nodes)
    nb_moves = 1
    improvement = False
    passes = 0
    while nb_moves > 0 and passes < MAX_PASSES:
        nb_moves = 0
        passes += 1
        for u in rand_nodes:
            degree = degrees[u]
            best_com = _best_community(node2com[u], _neighbor_weights(nbrs[u], node2com), stot, degree, m,
                                       resolution)
            if best_com != node2com[u]:
                com = graph.nodes[u].get("nodes", {u})
                partition[node2com[u]].difference_update(com)
                inner_partition[node2com[u]].remove(u)
                partition[best_com].update(com)
                inner_partition[best_com].add(u)
                improvement = True
                nb_moves += 1
                node2com[u] = best_com
    return list(filter(len, partition)), list(filter(len, inner_partition)), improvement


def _best_community(own: int, weights2com: dict[int, float], stot: list[float], degree: float, m: float,
                    resolution: float) -> int:
    """The community a node of `degree` goes to (`own` unless another one is strictly better);
    keeps `stot` (total degree of each community) up to date."""
    best_mod: float = 0
    best_com = own
    stot[own] -= degree
    remove_cost = -weights2com[own] * m + resolution * (stot[own] * degree) / 2
    for nbr_com, wt in weights2com.items():
        gain = remove_cost + wt * m - resolution * (stot[nbr_com] * degree) / 2
        if gain > best_mod:
            best_mod = gain
            best_com = nbr_com
    stot[best_com] += degree
    return best_com


def _neighbor_weights(nbrs: dict[Hashable, float], node2com: dict[Hashable, int]) -> dict[int, float]:
    """Weight from a node to each neighbouring community."""
    weights: dict[int, float] = defaultdict(float)
    for nbr, wt in nbrs.items():
        weights[node2com[nbr]] += wt
    return weights


def _gen_graph(graph: nx.Graph, partition: Partition) -> nx.Graph:
    """The next level's graph: one node per community, edges summed."""
    level = nx.Graph()
    node2com = {}
    for i, part in enumerate(partition):
        nodes = set()
        for node in part:
            node2com[node] = i
            nodes.update(graph.nodes[node].get("nodes", {node}))
        level.add_node(i, nodes=nodes)
    for node1, node2, data in graph.edges(data=True):
        com1, com2 = node2com[node1], node2com[node2]
        temp = level.get_edge_data(com1, com2, {"weight": 0})["weight"]
        level.add_edge(com1, com2, weight=data["weight"] + temp)
    return level
