"""Import rewrites computed ahead, while git checks out the migration worktree.

A new extraction waits most of a second for git to check out the whole monolith into its worktree;
the move step then rewrites the moved modules and every importer, which is most of that step's own
time. Both read the same bytes: the worktree is checked out at the commit the user's (clean)
checkout holds. So the rewrites are computed from the user's checkout during the wait, and the
move step takes a result only for the exact same input: the memo is keyed by the source text and
every argument of `rewrite_source`, which is a pure function of them. A file that differs (edited
meanwhile, or not in the commit) is simply rewritten again; nothing computed ahead is ever written.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from vsmctl.strangler.moves import Moves
from vsmctl.strangler.plan import ExtractionPlan, read_source, rewrite_module
from vsmctl.strangler.python.codemods import RewriteReport, rewrite_source

Key = tuple[str, tuple[tuple[str, str], ...], str, bool, str | None]

# one extraction's files at a time (rewrite_ahead clears it): a long-lived process keeps no more
_memo: dict[Key, tuple[str, RewriteReport]] = {}


def _key(source: str, moves: Moves, module: str, is_package: bool, new_module: str | None) -> Key:
    return source, tuple(sorted(moves.mapping.items())), module, is_package, new_module


def rewrite(source: str, moves: Moves, module: str, is_package: bool = False,
            new_module: str | None = None) -> tuple[str, RewriteReport]:
    """`rewrite_source`, answered from the memo when the same input was rewritten ahead."""
    found = _memo.pop(_key(source, moves, module, is_package, new_module), None)  # used once
    if found is None:
        return rewrite_source(source, moves, module, is_package, new_module)
    new, report = found
    return new, replace(report, rewritten_strings=list(report.rewritten_strings),
                        uncertain_strings=list(report.uncertain_strings))


def _remember(source: str, moves: Moves, module: str, is_package: bool, new_module: str | None) -> str | None:
    """The rewritten text (None: libcst cannot parse the file; the step says so when it meets it)."""
    try:
        result = rewrite_source(source, moves, module, is_package, new_module)
    except Exception:
        return None
    _memo[_key(source, moves, module, is_package, new_module)] = result
    return result[0]


def rewrite_ahead(checkout: Path, plan: ExtractionPlan) -> list[str]:
    """Rewrite, from `checkout`, what the move step will: each moved module at its new name, and each
    importer the plan found (as `PythonBackend._rewrite` calls it). Returns the moved modules' new texts."""
    _memo.clear()
    moved_texts = []
    for f in plan.files:
        source = read_source(checkout / f.old_path)
        if source is not None:
            moved_texts.append(_remember(source, plan.moves, f.old_module, f.is_package, f.new_module))
    if plan.mode != "strangler":  # branch by abstraction leaves the importers alone
        return [text for text in moved_texts if text is not None]
    moved = {f.old_path for f in plan.files}
    for rel in plan.importers:
        source = None if rel in moved else read_source(checkout / rel)
        if source is None:
            continue
        _remember(source, plan.moves, *rewrite_module(plan, rel), None)
    return [text for text in moved_texts if text is not None]
