"""A source file the analysis could not read or parse: its imports are unknown, so every other rule
would pass it blindly (a syntax error could hide a forbidden import). Never baselined."""

from __future__ import annotations

from vsmctl.analysis.model import UNREADABLE_KINDS
from vsmctl.check.rules.base import CheckContext, Finding, Rule

ID = "unparsable-file"


def check(ctx: CheckContext) -> list[Finding]:
    return [
        Finding(
            rule=ID,
            key=f"{ID}:{p.path}",
            message=f"{p.message}; its imports are unknown, so the boundaries cannot be checked there",
            fix="fix the file (or leave it out with --exclude in analyze) so its imports can be read",
            path=p.path,
            line=p.line,
        )
        for p in ctx.graph.problems
        if p.kind in UNREADABLE_KINDS
    ]


RULE = Rule(ID, "File that cannot be read or parsed",
            "A source file that does not parse (or cannot be read or decoded) hides its imports from every rule.",
            check, baseline=False)
