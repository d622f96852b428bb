"""An import of another package's private module: a name starting with `_`, or a module outside
the package's declared `interface`."""

from __future__ import annotations

from vsmctl.check.rules.base import CheckContext, Finding, Rule, finding_at
from vsmctl.roadmap.patterns import matches

ID = "private-module"


def _private_part(module: str) -> str | None:
    for part in module.split("."):
        if part.startswith("_") and not part.startswith("__"):
            return part
    return None


def check(ctx: CheckContext) -> list[Finding]:
    assert ctx.report.assignment is not None
    package_of = ctx.report.assignment.package_of
    interfaces = {p.name: p.interface for p in ctx.roadmap.packages if p.interface is not None}
    findings = []
    for site in ctx.graph.imports:
        source, target = package_of.get(site.importer), package_of.get(site.imported)
        if source is None or target is None or source == target:
            continue
        private = _private_part(site.imported)
        interface = interfaces.get(target)
        if private is not None:
            why = f"'{private}' is private to {target}"
            fix = f"use {target}'s public modules, or make the needed name public there"
        elif interface is not None and not any(matches(p, site.imported) for p in interface):
            why = f"{site.imported} is not in {target}'s interface ({', '.join(interface) or 'empty'})"
            fix = f"import it through {target}'s interface, or add the module to its interface in the roadmap"
        else:
            continue
        findings.append(finding_at(
            ctx, site, rule=ID, key=f"{ID}:{site.importer}->{site.imported}",
            message=f"{site.importer} ({source}) imports {site.imported}: {why}", fix=fix,
        ))
    return findings


RULE = Rule(ID, "Import of another package's private module",
            "A package imports a module of another package that is private (a name starting with '_') "
            "or not part of that package's declared interface.", check)
