"""Backward compatibility of the moved code: its public API before the extraction and now (griffe).

Before: the moved modules as they were at the extraction's base commit (only those files and their
parent packages' `__init__.py`, exported with `git archive`: cheap on a large monolith). Now: each
moved root at its new home in a tree. griffe loads both statically (nothing is imported) and
`griffe.find_breaking_changes` lists what a caller would notice: removed public objects or
parameters, new required parameters, changed kinds, ...
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from vsmctl.strangler.plan import ExtractionPlan


@dataclass(frozen=True)
class BreakingChange:
    path: str  # the object, at its new name
    kind: str  # griffe's BreakageKind, in words
    detail: str = ""  # the parameter, or the values before and after

    def describe(self) -> str:
        return f"{self.path}: {self.kind.lower()}{self.detail}"


def _detail(old: object, new: object) -> str:
    import griffe

    for value in (old, new):
        if isinstance(value, griffe.Parameter):
            return f" ({value.name})"
    if isinstance(old, griffe.Object) or isinstance(new, griffe.Object) or (old is None and new is None):
        return ""  # the path names the object
    return f" (was {old}, now {new})"


def _base_paths(plan: ExtractionPlan) -> list[str]:
    """The moved files and the `__init__.py` of every package above them, under the source root."""
    paths = {f.old_path for f in plan.files}
    root = plan.source_root.strip("/")
    for f in plan.files:
        parts = f.old_path.split("/")[:-1]
        for i in range(len(parts), 0, -1):
            folder = "/".join(parts[:i])
            if root not in ("", ".") and not folder.startswith(root + "/"):
                break
            paths.add(f"{folder}/__init__.py")
    return sorted(paths)


def _export(repo: Path, commit: str, paths: list[str], into: Path) -> None:
    """The files that exist at `commit` among `paths`, written under `into`."""
    listed = subprocess.run(["git", "ls-tree", "-r", "--name-only", commit, "--", *paths], cwd=repo,
                            capture_output=True, text=True, check=True).stdout.split()
    if not listed:
        return
    archive = subprocess.run(["git", "archive", "--format=tar", commit, "--", *listed], cwd=repo,
                             capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")


# the API before the extraction, loaded once per base commit and plan (often while git checks out
# the worktree: `load_before`): the export stays on disk as long as the objects loaded from it
_before: dict[tuple[object, ...], tuple[tempfile.TemporaryDirectory[str], dict[str, object]]] = {}


def _before_key(repo: Path, base_commit: str, plan: ExtractionPlan) -> tuple[object, ...]:
    return (str(repo.resolve()), base_commit, plan.source_root, tuple(sorted(plan.moves.mapping.items())),
            tuple(_base_paths(plan)))


def load_before(repo: Path, base_commit: str, plan: ExtractionPlan) -> dict[str, object]:
    """Each moved root's API at `base_commit` (a griffe module, or the exception that stopped it)."""
    import griffe

    key = _before_key(repo, base_commit, plan)
    if key not in _before:
        _before.clear()  # one extraction's at a time
        folder = tempfile.TemporaryDirectory(prefix="vsmctl-api-")
        before_root = Path(folder.name)
        _export(repo, base_commit, _base_paths(plan), before_root)
        source = plan.source_root if plan.source_root not in ("", ".") else ""
        apis: dict[str, object] = {}
        for old in sorted(plan.moves.mapping):
            try:
                apis[old] = griffe.load(old, search_paths=[before_root / source], try_relative_path=False)
            except (ImportError, OSError, griffe.GriffeError) as exc:
                apis[old] = exc
        _before[key] = (folder, apis)
    return _before[key][1]


def breaking_changes(repo: Path, base_commit: str, tree: Path, plan: ExtractionPlan) -> list[BreakingChange]:
    """What the moved modules' public API lost between `base_commit` and `tree` (their new home)."""
    import griffe

    found: list[BreakingChange] = []
    before_apis = load_before(repo, base_commit, plan)
    for old, new in sorted(plan.moves.mapping.items()):
        before: object = before_apis[old]
        if not isinstance(before, Exception):
            try:
                after = griffe.load(new, search_paths=[tree / plan.package_dir], try_relative_path=False)
            except (ImportError, OSError, griffe.GriffeError) as exc:
                before = exc
        if isinstance(before, Exception):
            found.append(BreakingChange(new, f"cannot be compared ({type(before).__name__}: {before})"))
            continue
        found += [BreakingChange(plan.moves.new_name(b.obj.path) or b.obj.path, b.kind.value,
                                 _detail(b.old_value, b.new_value))
                  for b in griffe.find_breaking_changes(before, after)]  # type: ignore[arg-type]
    return found
