"""The `vsmctl extract` services: from a roadmap package name to an extraction."""

from __future__ import annotations

from pathlib import Path

from vsmctl.errors import InputError
from vsmctl.roadmap.loader import load_roadmap
from vsmctl.roadmap.model import Roadmap
from vsmctl.strangler.plan import ExtractionPlan, make_plan
from vsmctl.strangler.runner import Extraction, Progress, State


def _roadmap(root: Path, roadmap_path: Path | None) -> Roadmap:
    from vsmctl.roadmap.resolve import find_roadmap

    path = find_roadmap(root, roadmap_path, required=True)
    assert path is not None
    return load_roadmap(path)


def plan_extraction(root: Path, name: str, via: str, roadmap_path: Path | None = None,
                    monolith: Path | None = None) -> tuple[Roadmap, ExtractionPlan]:
    if via not in ("strangler", "abstraction"):
        raise InputError(f"--via must be strangler or abstraction, not '{via}'")
    extraction = Extraction(root)
    roadmap = _roadmap(extraction.root, roadmap_path)
    return roadmap, make_plan(extraction.root, roadmap, name, via, monolith)


def check_template(template: str | None) -> None:
    """A local template must exist before anything starts; URLs are copier's to fetch."""
    if template is None or "://" in template or template.startswith(("git@", "gh:", "gl:")):
        return
    if not Path(template).is_dir():
        raise InputError(f"--template {template}: no such folder (give a copier template folder or a git URL)")


def extract(root: Path, name: str, via: str, roadmap_path: Path | None = None, monolith: Path | None = None,
            template: str | None = None, no_shims: bool = False, actor: str = "vsmctl",
            progress: Progress | None = None) -> State:
    check_template(template)
    roadmap, plan = plan_extraction(root, name, via, roadmap_path, monolith)
    return Extraction(root, progress).start(plan, roadmap.test_command, template, no_shims, actor)


def dry_run(root: Path, name: str, via: str, roadmap_path: Path | None = None, monolith: Path | None = None,
            template: str | None = None, no_shims: bool = False) -> tuple[ExtractionPlan, str]:
    check_template(template)
    _, plan = plan_extraction(root, name, via, roadmap_path, monolith)
    return plan, Extraction(root).dry_run(plan, template, no_shims)


def phase_gates(roadmap: Roadmap, package: str) -> dict[str, object]:
    for phase in roadmap.phases:
        if package in phase.packages:
            return dict(phase.gates)
    return {"tests": "pass"}


def finish(root: Path, name: str, roadmap_path: Path | None = None, actor: str = "vsmctl") -> list[str]:
    extraction = Extraction(root)
    roadmap = _roadmap(extraction.root, roadmap_path)
    return extraction.finish(name, phase_gates(roadmap, name), actor)
