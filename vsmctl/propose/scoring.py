"""Compare partitions of modules: MoJo/MoJoFM, TurboMQ, modularity, cross-boundary edges.

A partition is a mapping module -> cluster name.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

Partition = Mapping[str, str]
Edge = tuple[str, str, float]  # importer, imported, weight


def mojo(a: Partition, b: Partition) -> int:
    """MoJo distance from A to B: the fewest Move and Join operations turning A into B.

    The optimal algorithm of Wen and Tzerpos ("An optimal algorithm for MoJo distance", 2003):
    tag each object with its cluster in B; a cluster of A can become the group of any B cluster
    it holds the most objects of. A maximum bipartite matching of A's clusters to those groups
    gives the most groups g that can be kept; then MoJo = sum(|A_i| - max_i) moves + (l - g)
    joins, where l is the number of A's clusters. Only objects in both partitions count.
    """
    import networkx as nx

    clusters: dict[str, list[str]] = defaultdict(list)
    for obj, cluster in a.items():
        if obj in b:
            clusters[cluster].append(obj)
    moves = 0
    graph = nx.Graph()
    left = []
    for i, members in enumerate(clusters.values()):
        counts = Counter(b[o] for o in members)
        best = max(counts.values())
        moves += len(members) - best
        node = ("A", i)
        left.append(node)
        graph.add_node(node)
        for group, n in counts.items():
            if n == best:
                graph.add_edge(node, ("B", group))
    matching = nx.bipartite.hopcroft_karp_matching(graph, top_nodes=left) if left else {}
    kept = sum(1 for node in left if node in matching)
    return moves + len(clusters) - kept


def max_mojo(b: Partition, objects: Iterable[str]) -> int:
    """max over all A of MoJo(A, B): n - g, g from B's cluster sizes (Wen and Tzerpos)."""
    objs = [o for o in objects if o in b]
    groups = 0
    for size in sorted(Counter(b[o] for o in objs).values()):
        if groups < size:
            groups += 1
    return len(objs) - groups


def mojofm(a: Partition, b: Partition) -> float:
    """MoJoFM(A, B) = (1 - MoJo(A, B) / max MoJo(any A, B)) x 100: 100 means A is B."""
    worst = max_mojo(b, a)
    if worst == 0:
        return 100.0
    return round((1 - mojo(a, b) / worst) * 100, 2)


def _intra_inter(partition: Partition, edges: Iterable[Edge]
                 ) -> tuple[dict[str, float], dict[tuple[str, str], float]]:
    intra: dict[str, float] = defaultdict(float)
    inter: dict[tuple[str, str], float] = defaultdict(float)
    for a, b, w in edges:
        if a == b or a not in partition or b not in partition:
            continue
        ca, cb = partition[a], partition[b]
        if ca == cb:
            intra[ca] += w
        else:
            inter[(ca, cb)] += w
    return intra, inter


def turbomq(partition: Partition, edges: Iterable[Edge]) -> float:
    """TurboMQ (Mitchell and Mancoridis): the sum over clusters of 2u / (2u + out + in)."""
    intra, inter = _intra_inter(partition, edges)
    leaving: dict[str, float] = defaultdict(float)
    for (ca, cb), w in inter.items():
        leaving[ca] += w
        leaving[cb] += w
    total = 0.0
    for cluster in set(partition.values()):
        mu = intra.get(cluster, 0.0)
        if mu > 0:
            total += 2 * mu / (2 * mu + leaving.get(cluster, 0.0))
    return round(total, 4)


def modularity(partition: Partition, edges: Iterable[Edge]) -> float:
    """Newman's modularity of the partition on the undirected, weighted import graph."""
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(partition)
    for a, b, w in edges:
        if a == b or a not in partition or b not in partition:
            continue
        if graph.has_edge(a, b):
            graph[a][b]["weight"] += w
        else:
            graph.add_edge(a, b, weight=w)
    communities: dict[str, set[str]] = defaultdict(set)
    for module, cluster in partition.items():
        communities[cluster].add(module)
    if graph.number_of_edges() == 0:
        return 0.0
    return round(nx.community.modularity(graph, list(communities.values()), weight="weight"), 4)


def cross_edges(partition: Partition, edges: Iterable[Edge]) -> int:
    """Import edges (module pairs) whose two ends are in different clusters."""
    return sum(
        1 for a, b, _w in edges
        if a in partition and b in partition and partition[a] != partition[b]
    )


@dataclass(frozen=True)
class Score:
    modules: int
    clusters: int
    reference_clusters: int | None
    mojo: int | None
    mojofm: float | None
    turbomq: float
    modularity: float
    cross_edges: int
    warnings: tuple[str, ...] = ()


def score(partition: Partition, edges: list[Edge], reference: Partition | None = None) -> Score:
    return Score(
        modules=len(partition),
        clusters=len(set(partition.values())),
        reference_clusters=len(set(reference.values())) if reference is not None else None,
        mojo=mojo(partition, reference) if reference is not None else None,
        mojofm=mojofm(partition, reference) if reference is not None else None,
        turbomq=turbomq(partition, edges),
        modularity=modularity(partition, edges),
        cross_edges=cross_edges(partition, edges),
    )
