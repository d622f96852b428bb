"""The extracted package's version follows its contents: `0.1.0+sha.<12 hex>` (a PEP 440 local label).

Every extraction used to build `0.1.0`, so two different extractions (strangler, then abstraction)
made two different wheels of one name and version: caches and `pip list` could not tell them
apart. The public part stays the template's answer (`version` in `.copier-answers.yml`, what
`copier update` renders and merges); vsmctl sets the local label after each step from a hash of
the package's files, so the same contents give the same version and any change gives another. A
local label is what PEP 440 reserves for builds that are not releases: publishing drops it.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from vsmctl.strangler.plan import SKIP_DIRS, ExtractionPlan
from vsmctl.strangler.report import StepReport
from vsmctl.workspace import atomic_write_text

_VERSION = re.compile(r'^(version\s*=\s*["\'])([^"\'+]+)(?:\+[^"\']*)?(["\'])', re.MULTILINE)
LABEL = "sha"


def content_hash(folder: Path) -> str:
    """sha256 of every file's path and bytes, the pyproject's own version label left out."""
    digest = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        for name in sorted(n for n in filenames if not n.endswith((".pyc", ".pyo"))):
            path = Path(dirpath, name)
            data = path.read_bytes()
            if path == folder / "pyproject.toml":
                data = _VERSION.sub(r"\1\2\3", data.decode("utf-8", errors="replace"), count=1).encode()
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + data + b"\0")
    return digest.hexdigest()


def stamp_version(tree: Path, plan: ExtractionPlan) -> StepReport:
    path = tree / plan.package_dir / "pyproject.toml"
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return StepReport()  # no package (yet), or not one vsmctl wrote
    found = _VERSION.search(text)
    if found is None:
        return StepReport()  # a dynamic version: the package's own build decides
    version = f"{found.group(2)}+{LABEL}.{content_hash(tree / plan.package_dir)[:12]}"
    new = text[:found.start()] + f"{found.group(1)}{version}{found.group(3)}" + text[found.end():]
    if new == text:
        return StepReport()
    atomic_write_text(path, new)
    rel = f"{plan.package_dir}/pyproject.toml"
    return StepReport(changed_files=[rel], notes=[f"{rel}: version {version} (from the package's contents)"])
