"""Boundary rules for `vsmctl check`: one module per rule, each `check(context) -> findings`.

A new rule is one new module here plus its entry in RULES.
"""

from __future__ import annotations

from vsmctl.check.rules import depends_on, package_cycles, private_modules, unparsable_files
from vsmctl.check.rules.base import CheckContext, Finding, Rule

RULES: tuple[Rule, ...] = (unparsable_files.RULE, depends_on.RULE, private_modules.RULE, package_cycles.RULE)

__all__ = ["RULES", "CheckContext", "Finding", "Rule"]
