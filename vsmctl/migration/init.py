"""`vsmctl roadmap init`: a roadmap.yaml for a monolith that has none.

From the analysis: a boundary proposal (components, layers guessed from the import graph's
direction) written by the proposal feature's writer, then the monolith folder, its test command
and one phase per extraction wave. Or from a named starting point (`--template vsm`: the
bundled VSM roadmap's packages and phases). The file is validated before it is written and
never overwrites one.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from vsmctl.errors import InputError
from vsmctl.roadmap.loader import load_roadmap
from vsmctl.roadmap.model import Roadmap
from vsmctl.workspace import Workspace, atomic_write_text

TEMPLATES = ("vsm",)


@dataclass(frozen=True)
class InitResult:
    path: Path
    source: str  # "template vsm" or "analysis of PATH"
    packages: int
    phases: tuple[str, ...]


def _rel(path: Path, start: Path) -> str:
    return os.path.relpath(path.resolve(), start.resolve()).replace(os.sep, "/")


def _test_command(monolith: Path, roadmap_dir: Path) -> str:
    tests = monolith / "tests"
    if tests.is_dir():
        return f"python -m pytest -q -p no:cacheprovider {_rel(tests, roadmap_dir)}"
    return "python -m pytest -q -p no:cacheprovider"


def _target(monolith: Path | None, output: Path | None) -> Path:
    if output is not None:
        target = Path(output)
    else:
        target = Workspace.at(monolith if monolith is not None else Path.cwd()).roadmap_path
    if target.exists():
        raise InputError(f"{target} exists already: init never overwrites a roadmap (edit it, or pass --output)")
    if not target.parent.is_dir():
        raise InputError(f"cannot write {target}: folder {target.parent} does not exist")
    return target


def _validated(text: str, target: Path) -> Roadmap:
    """The roadmap as it would be written, loaded from a scratch copy beside the target (relative
    paths resolve the same), so an invalid result never reaches the user's folder."""
    fd, scratch = tempfile.mkstemp(prefix=".roadmap-init-", suffix=".yaml", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        roadmap = load_roadmap(Path(scratch))
    finally:
        Path(scratch).unlink(missing_ok=True)
    return roadmap


def init_roadmap(monolith: Path | None = None, template: str | None = None, output: Path | None = None,
                 packages: int | None = None) -> InitResult:
    if monolith is not None and not Path(monolith).is_dir():
        raise InputError(f"{monolith}: no such folder (the monolith's source folder)")
    if template is not None and template not in TEMPLATES:
        raise InputError(f"--template: no template '{template}' (templates: {', '.join(TEMPLATES)})")
    if template is None and monolith is None:
        raise InputError("give the monolith's folder (PATH) to propose a roadmap from, or --template vsm")
    target = _target(monolith, output)
    if template is not None:
        text, source = _from_template(monolith, target.parent), f"template {template}"
    else:
        assert monolith is not None
        text, source = _from_analysis(Path(monolith), target.parent, packages), f"analysis of {monolith}"
    roadmap = _validated(text, target)
    atomic_write_text(target, text)
    return InitResult(target, source, len(roadmap.packages), tuple(p.name for p in roadmap.phases))


def _from_template(monolith: Path | None, roadmap_dir: Path) -> str:
    from vsmctl.resources import default_roadmap

    text = default_roadmap().read_text(encoding="utf-8")
    if monolith is None:
        return text
    # the bundled roadmap points at the bundled example: point it at this monolith instead
    text = re.sub(r"(?m)^monolith: .*$", f"monolith: {_rel(monolith, roadmap_dir)}", text, count=1)
    return re.sub(r"(?m)^test_command: .*$", f"test_command: {_test_command(monolith, roadmap_dir)}", text,
                  count=1)


def _from_analysis(monolith: Path, roadmap_dir: Path, packages: int | None) -> str:
    """The proposal's packages (by the proposal feature's writer), then the monolith, its tests and
    one phase per extraction wave (the first gated by tests, later ones by a full rollout too)."""
    from vsmctl.propose.roadmap_writer import PackagePlan, write_proposal
    from vsmctl.propose.service import propose_boundaries

    graph, proposal = propose_boundaries(monolith, None, packages)
    if not proposal.packages:
        raise InputError(f"{monolith}: the analysis found no packages to propose (is it a Python or Elixir project?)")
    wave_of = {p: i for i, wave in enumerate(proposal.order) for p in wave.packages}
    plans = [PackagePlan(p.name, p.members, p.cohesion, p.depends_on, wave_of.get(p.name, 0))
             for p in proposal.packages]
    # a first roadmap is a starting point: the imports it does not allow yet are what
    # `vsmctl check` and `roadmap plan` show next, so it is not vetted against them
    with tempfile.TemporaryDirectory(prefix="vsmctl-init-") as scratch:
        written = write_proposal(Path(scratch) / "roadmap.yaml", plans, len(proposal.order), list(graph.modules))
        body = written.path.read_text(encoding="utf-8").replace(
            "`vsmctl analyze monolith --propose --write`", "`vsmctl roadmap init` from the analysis", 1)
    lines = [body.rstrip("\n"), "", f"monolith: {_rel(monolith, roadmap_dir)}",
             f"test_command: {_test_command(monolith, roadmap_dir)}", "", "phases:"]
    names = {p.name for p in proposal.packages}
    waves = [tuple(p for p in wave.packages if p in names) for wave in proposal.order]
    for number, members in enumerate((w for w in waves if w), 1):
        gates = "{tests: pass}" if number == 1 else "{tests: pass, flag_rollout: 100}"
        lines += [f"  - name: Wave {number}", f"    description: \"extraction wave {number} of the proposal\"",
                  f"    packages: [{', '.join(members)}]", f"    gates: {gates}"]
    return "\n".join(lines) + "\n"
