"""A cycle between roadmap packages (TYPE_CHECKING imports left out).

A finding is one edge of the fewest that make the package graph acyclic (the breakers), keyed
by that edge and pointing at its import sites: the place the fix names. Keys by edge stay put
when a cycle grows or splits, where keys by cycle membership would turn an old cycle into a
"fixed" one plus a "new" one.
"""

from __future__ import annotations

from collections import deque

from vsmctl.check.rules.base import CheckContext, Finding, Rule, finding_at

ID = "package-cycle"


def _cycle_through(adj: dict[str, set[str]], a: str, b: str) -> tuple[str, ...]:
    """A shortest cycle that uses the edge a -> b: a, b, ..., a."""
    parent: dict[str, str | None] = {b: None}
    queue = deque([b])
    while queue:
        node = queue.popleft()
        if node == a:
            path = [a]
            while parent[path[-1]] is not None:
                path.append(parent[path[-1]])  # type: ignore[arg-type]
            return (a, *reversed(path))
        for nxt in sorted(adj.get(node, ())):
            if nxt not in parent:
                parent[nxt] = node
                queue.append(nxt)
    return (a, b, a)  # unreachable for a breaker: it always closes a cycle


def check(ctx: CheckContext) -> list[Finding]:
    report = ctx.report
    if report.breakers is None:
        return []
    edges = {(e.source, e.target): e for e in report.package_edges}
    adj: dict[str, set[str]] = {}
    for (a, b), e in edges.items():
        if e.kind != "type_checking":
            adj.setdefault(a, set()).add(b)
    findings = []
    breakers = report.breakers.edges
    for a, b in breakers:
        edge = edges[(a, b)]
        site = edge.sites[0]
        others = len(breakers) - 1
        also = f" (with the {others} other edge(s) reported here the package graph becomes acyclic)" if others else ""
        findings.append(finding_at(
            ctx, site, rule=ID, key=f"{ID}:{a}->{b}",
            message=f"{a} → {b} closes a package cycle: {' → '.join(_cycle_through(adj, a, b))}",
            fix=f"remove or invert {a} → {b} ({edge.weight} import(s)){also}",
        ))
    return findings


RULE = Rule(ID, "Cycle between packages",
            "Roadmap packages that import each other, directly or around a loop, cannot be released apart.", check)
