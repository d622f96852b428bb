"""Write proposals into roadmap.yaml, keeping the user's comments, order and formatting.

ruamel.yaml's round trip keeps what PyPY's safe_load would lose; the result is validated with
the same schema as any roadmap before it replaces the file (atomically).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vsmctl.boundaries.proposal import Proposal
from vsmctl.errors import RoadmapError
from vsmctl.roadmap.model import DEFAULT_CATEGORIES
from vsmctl.roadmap.patterns import compress, matches
from vsmctl.workspace import atomic_write_text


@dataclass(frozen=True)
class WriteResult:
    path: Path
    added_patterns: dict[str, tuple[str, ...]]  # package -> patterns added
    added_packages: tuple[str, ...]
    created: bool


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _flow_list(items: list[str]) -> Any:
    from ruamel.yaml.comments import CommentedSeq

    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq


def write_proposal(roadmap_path: Path, proposal: Proposal, all_modules: list[str]) -> WriteResult:
    from ruamel.yaml.comments import CommentedMap

    yaml = _yaml()
    created = not roadmap_path.exists()
    if created:
        doc = CommentedMap()
        doc["version"] = 1
        doc["name"] = "migration roadmap (proposed by vsmctl)"
        doc["categories"] = _flow_list(list(DEFAULT_CATEGORIES))
        doc["packages"] = CommentedMap()
    else:
        try:
            doc = yaml.load(roadmap_path.read_text(encoding="utf-8"))
        except Exception as exc:
            raise RoadmapError(f"{roadmap_path}: cannot be read for writing ({exc})") from None
        if not isinstance(doc, dict) or not isinstance(doc.get("packages"), dict):
            raise RoadmapError(f"{roadmap_path}: packages: expected a mapping to write the proposal into")
    packages = doc["packages"]
    categories = list(doc.get("categories") or DEFAULT_CATEGORIES)
    added_patterns: dict[str, tuple[str, ...]] = {}
    added_packages: list[str] = []

    wave_of = {p: i for i, wave in enumerate(proposal.order) for p in wave}
    for pkg in proposal.packages:
        if pkg.name == "unconnected":
            continue  # nothing to go by: left for a person to place
        patterns = compress(pkg.members, all_modules)
        if pkg.name in packages:
            spec = packages[pkg.name]
            existing = list(spec.get("modules") or [])
            new = [p for p in patterns
                   if not any(all(_claims(e, m) for m in pkg.members if _claims(p, m)) for e in existing)]
            if not new:
                continue
            if spec.get("modules") is None:
                spec["modules"] = _flow_list(new)
            else:
                spec["modules"].extend(new)
            added_patterns[pkg.name] = tuple(new)
        else:
            spec = CommentedMap()
            level = 1 + wave_of.get(pkg.name, 0) * max(len(categories) - 1, 1) // max(len(proposal.order), 1)
            spec["category"] = categories[min(level, len(categories) - 1)]
            spec["description"] = f"proposed by vsmctl: {len(pkg.members)} modules, {pkg.cohesion} internal imports"
            spec["depends_on"] = _flow_list([])
            spec["modules"] = _flow_list(patterns)
            packages[pkg.name] = spec
            added_packages.append(pkg.name)
            added_patterns[pkg.name] = tuple(patterns)
    # depends_on for new packages: what they import, where the layers allow it
    for name in added_packages:
        spec = packages[name]
        rank = categories.index(spec["category"])
        deps = next(p.depends_on for p in proposal.packages if p.name == name)
        spec["depends_on"].extend(
            d for d in deps if d in packages and categories.index(packages[d]["category"]) <= rank
        )

    buffer = io.StringIO()
    yaml.dump(doc, buffer)
    text = buffer.getvalue()
    import yaml as pyyaml

    from vsmctl.roadmap.loader import parse_roadmap

    parse_roadmap(pyyaml.safe_load(text), roadmap_path)  # never write a roadmap we would reject
    atomic_write_text(roadmap_path, text)
    return WriteResult(roadmap_path, added_patterns, tuple(added_packages), created)


def _claims(pattern: str, module: str) -> bool:
    return matches(pattern, module)
