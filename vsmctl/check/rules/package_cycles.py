"""A cycle between roadmap packages (TYPE_CHECKING imports left out)."""

from __future__ import annotations

from vsmctl.check.rules.base import CheckContext, Finding, Rule

ID = "package-cycle"


def check(ctx: CheckContext) -> list[Finding]:
    edges = {(e.source, e.target): e for e in ctx.report.package_edges}
    breakers = set(ctx.report.breakers.edges) if ctx.report.breakers else set()
    findings = []
    for cycle in ctx.report.package_cycles:
        cut = [f"{a} → {b}" for a, b in sorted(breakers) if a in cycle.members and b in cycle.members]
        first = edges.get((cycle.example[0], cycle.example[1]))
        site = first.sites[0] if first else None
        findings.append(Finding(
            rule=ID,
            key=f"{ID}:{'|'.join(cycle.members)}",
            message=f"packages import each other in a cycle: {' → '.join(cycle.example)}",
            fix=f"remove or invert {', '.join(cut) or 'one edge of the cycle'}",
            path=ctx.graph.modules[site.importer].path if site else None,
            line=site.line if site else None,
            site=site,
        ))
    return findings


RULE = Rule(ID, "Cycle between packages",
            "Roadmap packages that import each other, directly or around a loop, cannot be released apart.", check)
