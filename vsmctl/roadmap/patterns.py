"""Module patterns: how roadmap packages claim modules.

A pattern is a dotted module name in which `*` stands for one name and `**` for any number of
names (zero included). A pattern also claims the descendants of what it matches, so `app.billing`
claims `app.billing.models`; a pattern starting with `=` claims only what it matches (`=app`: the
package's own `__init__`, not its modules). When several packages' patterns claim a module, the
most specific pattern wins (most literal names, then fewest wildcards, then exact before
descendant-claiming); equal ones are reported as ambiguous.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from vsmctl.roadmap.model import Roadmap


@lru_cache(maxsize=4096)
def _regex(pattern: str) -> re.Pattern[str]:
    exact = pattern.startswith("=")
    pattern = pattern.lstrip("=")
    out = []
    for i, part in enumerate(pattern.split(".")):
        sep = r"\." if i else ""
        if part == "**":
            out.append(r"(?:\.[^.]+)*" if i else r"(?:[^.]+(?:\.[^.]+)*)?")
            continue
        out.append(sep + re.escape(part).replace(r"\*", "[^.]*"))
    body = "".join(out)
    if body.startswith("(?:[^.]+(?:\\.[^.]+)*)?"):
        body = body.replace("(?:[^.]+(?:\\.[^.]+)*)?\\.", "(?:[^.]+\\.)*", 1)
    return re.compile(rf"^{body}$" if exact else rf"^{body}(?:\..+)?$")


def specificity(pattern: str) -> tuple[int, int, int]:
    exact = pattern.startswith("=")
    parts = pattern.lstrip("=").split(".")
    literal = sum(1 for p in parts if "*" not in p)
    return literal, -sum(1 for p in parts if "*" in p), int(exact)


def matches(pattern: str, module: str) -> bool:
    return _regex(pattern).match(module) is not None


@dataclass(frozen=True)
class Assignment:
    package_of: dict[str, str]  # module -> roadmap package
    unassigned: tuple[str, ...]
    ambiguous: dict[str, tuple[str, ...]]  # module -> the packages that tie
    unmatched_patterns: tuple[tuple[str, str], ...]  # (package, pattern) that claim nothing


def assign(roadmap: Roadmap, modules: Iterable[str]) -> Assignment:
    package_of: dict[str, str] = {}
    ambiguous: dict[str, tuple[str, ...]] = {}
    unassigned = []
    used: set[tuple[str, str]] = set()
    claims = [(pkg.name, pattern) for pkg in roadmap.packages for pattern in pkg.modules]
    # Plain dotted patterns (most of them) are looked up by the module's ancestors, not matched one
    # by one: a roadmap of many patterns over thousands of modules stays linear.
    literal: dict[str, list[tuple[str, str]]] = {}
    exact: dict[str, list[tuple[str, str]]] = {}
    wild: list[tuple[str, str]] = []
    for claim in claims:
        pattern = claim[1]
        if "*" in pattern:
            wild.append(claim)
        elif pattern.startswith("="):
            exact.setdefault(pattern[1:], []).append(claim)
        else:
            literal.setdefault(pattern, []).append(claim)
    for module in sorted(modules):
        best: tuple[int, int, int] | None = None
        winners: list[tuple[str, str]] = []
        parts = module.split(".")
        candidates = list(exact.get(module, ()))
        for i in range(1, len(parts) + 1):
            candidates.extend(literal.get(".".join(parts[:i]), ()))
        candidates.extend(c for c in wild if matches(c[1], module))
        for pkg_name, pattern in candidates:
            used.add((pkg_name, pattern))
            score = specificity(pattern)
            if best is None or score > best:
                best, winners = score, [(pkg_name, pattern)]
            elif score == best:
                winners.append((pkg_name, pattern))
        if not winners:
            unassigned.append(module)
            continue
        package_of[module] = winners[0][0]
        tied = tuple(dict.fromkeys(w[0] for w in winners))
        if len(tied) > 1:
            ambiguous[module] = tied
    unmatched = tuple(c for c in claims if c not in used)
    return Assignment(package_of, tuple(unassigned), ambiguous, unmatched)


def compress(members: Iterable[str], all_modules: Iterable[str]) -> list[str]:
    """The fewest patterns that claim exactly `members` among `all_modules`.

    A member is written as its highest enclosing package all of whose modules are members, so a
    whole subpackage becomes one pattern (which also claims modules added to it later); a
    package module whose submodules go elsewhere is written exact (`=name`).
    """
    member_set = set(members)
    below: dict[str, set[str]] = {}
    for module in all_modules:
        parts = module.split(".")
        for i in range(1, len(parts) + 1):
            below.setdefault(".".join(parts[:i]), set()).add(module)
    chosen: set[str] = set()
    for module in sorted(member_set):
        parts = module.split(".")
        best = module
        if not below[module] <= member_set:
            chosen.add("=" + module)
            continue
        for i in range(len(parts) - 1, 0, -1):
            prefix = ".".join(parts[:i])
            if below[prefix] <= member_set:
                best = prefix
            else:
                break
        chosen.add(best)
    # drop patterns inside another chosen one
    wide = {p for p in chosen if not p.startswith("=")}
    return sorted(p for p in chosen if not any(p.lstrip("=").startswith(q + ".") for q in wide))
