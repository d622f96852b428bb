"""`mix format --check-formatted` on the files a step touched, in the Mix project each belongs to
(the package's or the monolith's). Renaming can move a line across the formatter's width: such a
file is formatted (`mix format`) and named in the step's report. Without mix: said, not guessed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from vsmctl.strangler.plan import ExtractionPlan
from vsmctl.strangler.report import StepReport


def _project_of(rel: str, plan: ExtractionPlan) -> str:
    return plan.package_dir if rel.startswith(plan.package_dir + "/") else plan.source_root


def check_format(tree: Path, plan: ExtractionPlan, files: list[str]) -> StepReport:
    report = StepReport()
    files = sorted({f for f in files if f.endswith((".ex", ".exs")) and (tree / f).is_file()})
    if not files:
        return report
    mix = shutil.which("mix")
    if mix is None:
        report.notes.append("mix not found: the touched files' formatting was not checked")
        return report
    by_project: dict[str, list[str]] = {}
    for rel in files:
        by_project.setdefault(_project_of(rel, plan), []).append(rel)
    for project, rels in sorted(by_project.items()):
        cwd = tree / project
        args = [str((tree / r).resolve()) for r in rels]
        checked = subprocess.run([mix, "format", "--check-formatted", *args], cwd=cwd, capture_output=True,
                                 text=True, timeout=300)
        if checked.returncode == 0:
            report.notes.append(f"mix format --check-formatted: {len(rels)} file(s) in {project} as formatted")
            continue
        subprocess.run([mix, "format", *args], cwd=cwd, capture_output=True, text=True, timeout=300)
        changed = [r for r in rels if _changed_by_format(checked.stdout + checked.stderr, tree / r)]
        report.notes.append(f"mix format: reformatted {', '.join(changed or rels)}")
    return report


def _changed_by_format(output: str, path: Path) -> bool:
    return str(path.resolve()) in output or path.name in output
