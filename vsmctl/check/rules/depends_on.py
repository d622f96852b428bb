"""An import from one roadmap package to another that its `depends_on` does not declare."""

from __future__ import annotations

from vsmctl.check.rules.base import CheckContext, Finding, Rule, finding_at

ID = "undeclared-dependency"


def check(ctx: CheckContext) -> list[Finding]:
    findings = []
    for v in ctx.report.violations:
        if v.rule == "upward":
            fix = (f"invert it: declare what {v.source} needs as a protocol in {v.source} and let "
                   f"{v.target} implement it (or move the imported code down)")
        else:
            fix = f"add {v.target} to {v.source}'s depends_on in the roadmap, or remove the import"
        for site in v.sites:
            findings.append(finding_at(ctx, site, rule=ID, key=f"{ID}:{site.importer}->{site.imported}",
                                       message=f"{site.importer} imports {site.imported}: {v.message}", fix=fix))
    return findings


RULE = Rule(ID, "Import not allowed by depends_on",
            "A package imports another package that its depends_on in roadmap.yaml does not declare.", check)
