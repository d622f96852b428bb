"""Documentation that names moved modules: `docs/*.rst`, `*.md` (autodoc directives, examples, prose).

Never rewritten: prose and history ("added in 2.0 as mistune.directives") are the user's to edit,
and a changelog must keep its old names. The move (or copy) step and `finish` list every line, so
nothing that will name removed modules goes unmentioned.
"""

from __future__ import annotations

import os
from pathlib import Path

from vsmctl.strangler.plan import SKIP_DIRS, ExtractionPlan
from vsmctl.strangler.python.config_refs import DOTTED

DOC_SUFFIXES = (".rst", ".md")
MAX_TEXT = 120


def doc_references(tree: Path, plan: ExtractionPlan) -> list[tuple[str, int, str]]:
    """(file, line, text) of each documentation line naming a moved module (the new package's own
    folder left out: its README is written for it)."""
    excluded = (tree / plan.package_dir).resolve()
    olds = list(plan.moves.mapping)
    found = []
    for dirpath, dirnames, filenames in os.walk(tree):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and Path(dirpath, d).resolve() != excluded)
        for name in sorted(n for n in filenames if n.endswith(DOC_SUFFIXES)):
            path = Path(dirpath, name)
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            if not any(old in text for old in olds):
                continue
            rel = path.relative_to(tree).as_posix()
            for number, line in enumerate(text.splitlines(), 1):
                if any(plan.moves.new_name(m.group(1)) is not None for m in DOTTED.finditer(line)):
                    shown = line.strip()
                    found.append((rel, number, shown if len(shown) <= MAX_TEXT else shown[:MAX_TEXT - 1] + "…"))
    return found
