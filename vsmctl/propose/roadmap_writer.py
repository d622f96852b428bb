"""Write proposals into roadmap.yaml, keeping the user's comments, order and formatting.

ruamel.yaml's round trip knows where every key and item sits, but re-emitting the document
would still re-flow long flow sequences. So the file is edited as text, at the places ruamel
points to: a flow list gets items before its closing bracket, a block list gets `- item` lines,
new packages are appended to the `packages:` section. Everything else stays byte for byte. The
result is validated with the roadmap schema before it replaces the file (atomically).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vsmctl.errors import RoadmapError
from vsmctl.roadmap.model import DEFAULT_CATEGORIES, Roadmap
from vsmctl.roadmap.patterns import compress, matches
from vsmctl.workspace import atomic_write_text


@dataclass(frozen=True)
class PackagePlan:
    """One proposed package, as the writer needs it."""

    name: str
    members: tuple[str, ...]
    cohesion: int  # import edges inside the package (for the description)
    depends_on: tuple[str, ...]
    wave: int  # extraction wave, 0 first: places the package in a category


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
    yaml.width = 4096
    return yaml


def _new_patterns(existing: list[str], patterns: list[str], members: tuple[str, ...]) -> list[str]:
    """Patterns that claim some member the package's existing patterns do not."""
    return [p for p in patterns
            if any(matches(p, m) and not any(matches(e, m) for e in existing) for m in members)]


def _plan(plans: Sequence[PackagePlan], waves: int, all_modules: list[str], packages: Any,
          categories: list[str]) -> tuple[dict[str, list[str]], dict[str, dict[str, Any]]]:
    """(package -> patterns to add to an existing package, new package -> its definition)."""
    additions: dict[str, list[str]] = {}
    new_packages: dict[str, dict[str, Any]] = {}
    for pkg in plans:
        patterns = compress(pkg.members, all_modules)
        if pkg.name in packages:
            new = _new_patterns(list((packages[pkg.name] or {}).get("modules") or []), patterns, pkg.members)
            if new:
                additions[pkg.name] = new
            continue
        level = 1 + pkg.wave * max(len(categories) - 1, 1) // max(waves, 1)
        new_packages[pkg.name] = {
            "category": categories[min(level, len(categories) - 1)],
            "description": f"proposed by vsmctl: {len(pkg.members)} modules, {pkg.cohesion} internal imports",
            "depends_on": list(pkg.depends_on),
            "modules": patterns,
        }
    # a new package may depend only on packages of its own layer or below, and on a new package
    # only of an earlier wave: an edge inside a wave or against the order is one to invert (a
    # cycle the roadmap's loader would reject)
    wave_of = {pkg.name: pkg.wave for pkg in plans}
    for name, spec in new_packages.items():
        rank = categories.index(spec["category"])
        spec["depends_on"] = [
            d for d in spec["depends_on"]
            if (d in new_packages and categories.index(new_packages[d]["category"]) <= rank
                and wave_of[d] < wave_of[name])
            or (d in packages and categories.index((packages[d] or {}).get("category", categories[0])) <= rank)
        ]
    return additions, new_packages


def _flow(items: list[str]) -> str:
    return "[" + ", ".join(items) + "]"


def _render_new_packages(new_packages: dict[str, dict[str, Any]], indent: int) -> list[str]:
    pad = " " * indent
    lines = []
    for name, spec in new_packages.items():
        lines.append(f"{pad}{name}:")
        lines.append(f"{pad}  category: {spec['category']}")
        lines.append(f"{pad}  description: \"{spec['description']}\"")
        lines.append(f"{pad}  depends_on: {_flow(spec['depends_on'])}")
        lines.append(f"{pad}  modules: {_flow(spec['modules'])}")
    return lines


Edit = tuple[int, str, list[str]]  # (line index, mode, payload), applied bottom-up


def _addition_edit(lines: list[str], packages: Any, name: str, patterns: list[str]) -> Edit:
    """Where the new patterns of an existing package go: its modules list, or a new modules key."""
    spec = packages[name]
    if spec is None or getattr(spec.fa, "flow_style", lambda: False)():
        raise RoadmapError(f"packages.{name}: written as an empty or one-line mapping; add a modules key by hand")
    if spec.get("modules"):
        seq = spec["modules"]
        if seq.fa.flow_style():
            start = spec.lc.value("modules")[0]
            end = next(i for i in range(start, len(lines)) if "]" in lines[i].split("#")[0])
            return (end, "flow", patterns)
        last_line, _col = seq.lc.item(len(seq) - 1)
        dash = lines[last_line][: len(lines[last_line]) - len(lines[last_line].lstrip())]
        return (last_line, "block", [dash + "- " + p for p in patterns])
    inner_col = spec.lc.key(next(iter(spec)))[1]
    entry = " " * inner_col + f"modules: {_flow(patterns)}"
    if "modules" in spec:  # `modules:` with nothing after it
        return (spec.lc.key("modules")[0], "replace", [entry])
    return (packages.lc.key(name)[0], "after", [entry])


def _new_packages_edit(lines: list[str], doc: Any, new_packages: dict[str, dict[str, Any]]) -> Edit:
    """New packages go at the end of the `packages:` section."""
    packages = doc["packages"]
    top_keys = list(doc)
    after = top_keys.index("packages") + 1
    end = doc.lc.key(top_keys[after])[0] if after < len(top_keys) else len(lines)
    while end > 0 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1  # keep blank lines and the next section's comments after the new packages
    indent = packages.lc.key(next(iter(packages)))[1] if packages else 2
    return (end - 1, "after", _render_new_packages(new_packages, indent))


def _apply(lines: list[str], edit: Edit) -> None:
    index, mode, payload = edit
    if mode == "flow":
        line = lines[index]
        cut = line.index("]")
        body = line[:cut].rstrip()
        sep = "" if body.endswith("[") else ", "
        lines[index] = body + sep + ", ".join(payload) + line[cut:]
    elif mode == "replace":
        lines[index] = payload[0]
    else:
        lines[index + 1 : index + 1] = payload


def _patch(text: str, doc: Any, additions: dict[str, list[str]], new_packages: dict[str, dict[str, Any]]) -> str:
    lines = text.splitlines()
    edits = [_addition_edit(lines, doc["packages"], name, patterns) for name, patterns in additions.items()]
    if new_packages:
        edits.append(_new_packages_edit(lines, doc, new_packages))
    for edit in sorted(edits, key=lambda e: e[0], reverse=True):
        _apply(lines, edit)
    return "\n".join(lines) + ("\n" if text.endswith("\n") or not text else "")


def write_proposal(roadmap_path: Path, plans: Sequence[PackagePlan], waves: int,
                   all_modules: list[str], vet: Callable[[Roadmap], None] | None = None) -> WriteResult:
    """Add the proposed packages (`waves`: how many extraction waves the proposal has) to the roadmap.

    `vet` sees the roadmap as it would be written and raises to keep the file as it is."""
    yaml = _yaml()
    created = not roadmap_path.exists()
    if created:
        header = ("# Written by `vsmctl analyze monolith --propose --write`: review the packages, their\n"
                  "# categories and depends_on before you rely on them.\n"
                  f"version: 1\nname: migration roadmap\ncategories: {_flow(list(DEFAULT_CATEGORIES))}\npackages:\n")
        additions, new_packages = _plan(plans, waves, all_modules, {}, list(DEFAULT_CATEGORIES))
        text = header + "\n".join(_render_new_packages(new_packages, 2)) + "\n"
    else:
        original = roadmap_path.read_text(encoding="utf-8")
        try:
            doc = yaml.load(original)
        except Exception as exc:
            raise RoadmapError(f"{roadmap_path}: cannot be read for writing ({exc})") from None
        if not isinstance(doc, dict) or not isinstance(doc.get("packages"), dict):
            raise RoadmapError(f"{roadmap_path}: packages: expected a mapping to write the proposal into")
        categories = list(doc.get("categories") or DEFAULT_CATEGORIES)
        additions, new_packages = _plan(plans, waves, all_modules, doc["packages"], categories)
        text = _patch(original, doc, additions, new_packages)

    import yaml as pyyaml

    from vsmctl.roadmap.loader import parse_roadmap

    try:
        data = pyyaml.safe_load(io.StringIO(text))
    except pyyaml.YAMLError as exc:  # a bug in the patcher must never reach the user's file
        raise RoadmapError(
            f"{roadmap_path}: the proposal could not be written safely ({exc}); file unchanged"
        ) from None
    written = parse_roadmap(data, roadmap_path)  # never write a roadmap we would reject
    if vet is not None:
        vet(written)
    atomic_write_text(roadmap_path, text)
    added = {**{k: tuple(v) for k, v in additions.items()},
             **{k: tuple(v["modules"]) for k, v in new_packages.items()}}
    return WriteResult(roadmap_path, added, tuple(new_packages), created)
