"""Import cycles and the fewest edges whose removal (or inversion) makes a graph acyclic."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# Exact search costs 2^n states; above this many nodes in one cycle, a greedy order is used.
EXACT_LIMIT = 14


@dataclass(frozen=True)
class Cycle:
    members: tuple[str, ...]  # a strongly connected component, sorted
    example: tuple[str, ...]  # one concrete cycle through it: a -> b -> ... -> a


@dataclass(frozen=True)
class Breakers:
    edges: tuple[tuple[str, str], ...]
    exact: bool  # False when a component was too large for the exact search


def _adjacency(edges: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    adj: dict[str, list[str]] = {}
    for a, b in edges:
        if a != b:
            adj.setdefault(a, []).append(b)
            adj.setdefault(b, [])
    for targets in adj.values():
        targets.sort()
    return adj


def components(adj: dict[str, list[str]]) -> list[list[str]]:
    """Strongly connected components (iterative Tarjan).

    Written out rather than taken from networkx: `analyze` and `check` need only this, and
    importing networkx costs more start-up time than the whole search on a 1,500-module graph.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in sorted(adj):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            targets = adj[node]
            while i < len(targets):
                nxt = targets[i]
                i += 1
                if nxt not in index:
                    work.append((node, i))
                    work.append((nxt, 0))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                if low[node] == index[node]:
                    comp = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        comp.append(member)
                        if member == node:
                            break
                    found.append(comp)
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
    return found


def _example_cycle(adj: dict[str, list[str]], members: set[str]) -> tuple[str, ...]:
    """A shortest cycle through the component's first member (breadth-first search)."""
    start = min(members)
    parent: dict[str, str] = {}
    queue = [start]
    for node in queue:
        for nxt in adj[node]:
            if nxt not in members:
                continue
            if nxt == start:
                path = [node]
                while path[-1] != start:
                    path.append(parent[path[-1]])
                return (start, *reversed(path[:-1]), start)
            if nxt not in parent:
                parent[nxt] = node
                queue.append(nxt)
    raise ValueError("not a cycle")  # unreachable for a strongly connected component


def strongly_connected(edges: Iterable[tuple[str, str]]) -> list[Cycle]:
    """Components with more than one member, largest first, each with a shortest example cycle."""
    adj = _adjacency(edges)
    cycles = []
    for comp in components(adj):
        if len(comp) < 2:
            continue
        cycles.append(Cycle(tuple(sorted(comp)), _example_cycle(adj, set(comp))))
    cycles.sort(key=lambda c: (-len(c.members), c.members))
    return cycles


def minimum_breakers(weights: dict[tuple[str, str], int]) -> Breakers:
    """Fewest edges to drop for a DAG; among equals, the ones carrying fewest imports."""
    weights = {e: w for e, w in weights.items() if e[0] != e[1]}
    chosen: list[tuple[str, str]] = []
    exact = True
    for comp in components(_adjacency(weights)):
        if len(comp) < 2:
            continue
        nodes = sorted(comp)
        members = set(comp)
        sub = {(a, b): w for (a, b), w in weights.items() if a in members and b in members}
        if len(nodes) <= EXACT_LIMIT:
            chosen.extend(_exact(nodes, sub))
        else:
            exact = False
            chosen.extend(_greedy(nodes, sub))
    return Breakers(tuple(sorted(chosen)), exact)


def _back_edges(order: list[str], weights: dict[tuple[str, str], int]) -> list[tuple[str, str]]:
    pos = {n: i for i, n in enumerate(order)}
    return [(a, b) for (a, b) in weights if pos[a] > pos[b]]


def _exact(nodes: list[str], weights: dict[tuple[str, str], int]) -> list[tuple[str, str]]:
    # Minimum feedback arc set = the linear order with the cheapest backward edges.
    # dp over subsets S placed first: appending v costs its edges into S (v -> u, u in S).
    n = len(nodes)
    index = {name: i for i, name in enumerate(nodes)}
    into: list[list[tuple[int, int]]] = [[] for _ in range(n)]  # v -> [(u, weight)]
    for (a, b), w in weights.items():
        into[index[a]].append((index[b], w))
    full = (1 << n) - 1
    best: list[tuple[int, int] | None] = [None] * (1 << n)
    choice = [0] * (1 << n)
    best[0] = (0, 0)
    for s in range(1 << n):
        base = best[s]
        if base is None:
            continue
        for v in range(n):
            if s >> v & 1:
                continue
            count, weight = base
            for u, w in into[v]:
                if s >> u & 1:
                    count += 1
                    weight += w
            t = s | 1 << v
            cand = (count, weight)
            current = best[t]
            if current is None or cand < current:
                best[t] = cand
                choice[t] = v
    order = []
    s = full
    while s:
        v = choice[s]
        order.append(nodes[v])
        s &= ~(1 << v)
    order.reverse()
    return _back_edges(order, weights)


def _greedy(nodes: list[str], weights: dict[tuple[str, str], int]) -> list[tuple[str, str]]:
    # Eades–Lin–Smyth: peel sinks and sources, otherwise take the node with most out minus in.
    succ: dict[str, dict[str, int]] = {n: {} for n in nodes}
    pred: dict[str, dict[str, int]] = {n: {} for n in nodes}
    for (a, b), w in weights.items():
        succ[a][b] = w
        pred[b][a] = w
    alive = set(nodes)

    def remove(n: str) -> None:
        alive.discard(n)
        for m in succ.pop(n):
            del pred[m][n]
        for m in pred.pop(n):
            del succ[m][n]

    left: list[str] = []
    right: list[str] = []
    while alive:
        changed = True
        while changed:
            changed = False
            for n in sorted(alive):
                if not succ[n]:
                    right.insert(0, n)
                    remove(n)
                    changed = True
                elif not pred[n]:
                    left.append(n)
                    remove(n)
                    changed = True
        if not alive:
            break
        pick = max(sorted(alive), key=lambda n: sum(succ[n].values()) - sum(pred[n].values()))
        left.append(pick)
        remove(pick)
    return _back_edges(left + right, weights)
