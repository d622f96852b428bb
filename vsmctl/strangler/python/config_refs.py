"""Strings outside Python code that name moved modules: packaging and tool configuration.

`[project.scripts]` and entry points (`cmd = a.b:main`), setup.cfg, tox.ini, pytest.ini and
.coveragerc options (`--cov=a.b`, `source = a.b`, `DJANGO_SETTINGS_MODULE = a.b.settings`). A
dotted name in such a file is rewritten where its place makes it a module reference for certain
(an entry point's `module:attr`, an option that takes a module); any other mention of a moved
module, and a file path into the moved folders, is reported, never guessed.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from vsmctl.strangler.plan import SKIP_DIRS, ExtractionPlan
from vsmctl.workspace import atomic_write_text

# Python files (setup.py, manage.py) are the codemod's: it sees their strings in context.
CONFIG_FILES = {"pyproject.toml", "setup.cfg", "tox.ini", "pytest.ini", ".coveragerc", ".pre-commit-config.yaml",
                "Procfile"}
CONFIG_SUFFIXES = (".ini", ".cfg", ".toml")

DOTTED = re.compile(r"(?<![\w./\-])([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)(?![\w/\-])")
# Options whose value is a module: after them, a dotted name is certain.
MODULE_OPTIONS = re.compile(r"(--cov=|--cov\s+|--pyargs\s+|-m\s+|source_pkgs\s*=\s*|source\s*=\s*|"
                            r"DJANGO_SETTINGS_MODULE\s*[=:]\s*[\"']?|--app[=\s]+|module\s*=\s*[\"']?)$")


@dataclass
class ConfigReport:
    changed_files: list[str] = field(default_factory=list)
    rewritten: list[tuple[str, int, str, str]] = field(default_factory=list)  # (file, line, old, new)
    uncertain: list[tuple[str, int, str]] = field(default_factory=list)  # (file, line, text)


def config_files(tree: Path, plan: ExtractionPlan) -> list[Path]:
    """The repository's configuration files (the new package's own folder excluded)."""
    excluded = (tree / plan.package_dir).resolve()
    found = []
    for dirpath, dirnames, filenames in os.walk(tree):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and Path(dirpath, d).resolve() != excluded)
        found += [Path(dirpath, n) for n in sorted(filenames) if n in CONFIG_FILES or n.endswith(CONFIG_SUFFIXES)]
    return found


def _certain(line: str, start: int, end: int) -> bool:
    return (line[end:end + 1] == ":" and line[end + 1:end + 2].isidentifier()) or bool(
        MODULE_OPTIONS.search(line[:start]))


def rewrite_line(line: str, plan: ExtractionPlan) -> tuple[str, list[tuple[str, str]], list[str]]:
    """One line: (new line, [(old, new) rewritten], [mentions left as they are])."""
    out, rewritten, uncertain, at = [], [], [], 0
    for found in DOTTED.finditer(line):
        new = plan.moves.new_name(found.group(1))
        if new is None:
            continue
        if _certain(line, found.start(), found.end()):
            out.append(line[at:found.start()] + new)
            at = found.end()
            rewritten.append((found.group(1), new))
        else:
            uncertain.append(found.group(1))
    out.append(line[at:])
    folders = _moved_folders(plan)
    uncertain += [folder for folder in folders if folder in line]
    return "".join(out), rewritten, uncertain


def _moved_folders(plan: ExtractionPlan) -> list[str]:
    """The moved code's paths as a configuration names them (`src/shop/billing`, `shop/billing`)."""
    paths = {f.old_path.rsplit("/", 1)[0] if f.is_package else f.old_path[:-3] for f in plan.files}
    roots = {p for p in paths if not any(p.startswith(o + "/") for o in paths if o != p)}
    prefix = plan.source_root.rstrip("/") + "/" if plan.source_root not in ("", ".") else ""
    return sorted(roots | {p[len(prefix):] for p in roots if prefix and p.startswith(prefix)})


def rewrite_configs(tree: Path, plan: ExtractionPlan, write: bool = True) -> ConfigReport:
    report = ConfigReport()
    for path in config_files(tree, plan):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        rel = path.relative_to(tree).as_posix()
        lines = text.splitlines(keepends=True)
        changed = False
        for number, line in enumerate(lines, 1):
            new, rewritten, uncertain = rewrite_line(line, plan)
            report.rewritten += [(rel, number, old, nw) for old, nw in rewritten]
            report.uncertain += [(rel, number, mention) for mention in uncertain]
            if new != line:
                lines[number - 1] = new
                changed = True
        if changed and write:
            atomic_write_text(path, "".join(lines))
            report.changed_files.append(rel)
    return report
