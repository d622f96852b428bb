"""Load and validate roadmap.yaml. Every error names the file, the key and what was expected."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vsmctl.errors import RoadmapError
from vsmctl.roadmap.model import APPROACHES, DEFAULT_CATEGORIES, Phase, Roadmap, TargetPackage

_PACKAGE_KEYS = {"category", "depends_on", "modules", "approach", "description", "path", "interface"}
_TOP_KEYS = {"version", "name", "categories", "packages", "phases", "test_command", "monolith",
             "ignore_type_checking_imports"}
_PHASE_KEYS = {"name", "packages", "description", "gates"}


def load_roadmap(path: Path) -> Roadmap:
    import yaml  # only the commands that read a roadmap pay for PyYAML

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RoadmapError(f"{path}: roadmap file not found") from None
    except UnicodeDecodeError:
        raise RoadmapError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise RoadmapError(f"{path}: cannot read ({exc.strerror or exc})") from None
    try:
        # libyaml's loader when PyYAML has it: ten times faster on a large roadmap
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise RoadmapError(f"{path}{where}: invalid YAML ({problem})") from None
    return parse_roadmap(data, path)


def parse_roadmap(data: Any, path: Path | None = None) -> Roadmap:
    where = str(path) if path else "roadmap"

    def fail(key: str, expected: str, got: Any = None) -> RoadmapError:
        got_text = "" if got is None else f", got {type(got).__name__} {got!r}"[:120]
        return RoadmapError(f"{where}: {key}: expected {expected}{got_text}")

    if not isinstance(data, dict):
        raise fail("(top level)", "a mapping with a 'packages' key", data)
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise fail(sorted(unknown)[0], f"one of the keys {', '.join(sorted(_TOP_KEYS))}")
    version = data.get("version", 1)
    if version != 1:
        raise fail("version", "1", version)

    categories = data.get("categories", list(DEFAULT_CATEGORIES))
    if not _is_str_list(categories) or not categories:
        raise fail("categories", "a non-empty list of category names, lowest layer first", categories)

    raw_packages = data.get("packages")
    if not isinstance(raw_packages, dict) or not raw_packages:
        raise fail("packages", "a mapping of package name to its definition", raw_packages)

    packages = []
    for name, spec in raw_packages.items():
        key = f"packages.{name}"
        if not isinstance(name, str) or not name:
            raise fail("packages", "package names to be strings", name)
        if not isinstance(spec, dict):
            raise fail(key, "a mapping (category, depends_on, modules, ...)", spec)
        unknown = set(spec) - _PACKAGE_KEYS
        if unknown:
            raise fail(f"{key}.{sorted(unknown)[0]}", f"one of {', '.join(sorted(_PACKAGE_KEYS))}")
        category = spec.get("category")
        if category not in categories:
            raise fail(f"{key}.category", f"one of {', '.join(categories)}", category)
        depends_on = spec.get("depends_on") or []
        if not _is_str_list(depends_on):
            raise fail(f"{key}.depends_on", "a list of package names", depends_on)
        modules = spec.get("modules") or []
        if not _is_str_list(modules):
            raise fail(f"{key}.modules", "a list of module patterns like 'app.billing' or 'app.*.models'",
                       modules)
        for pattern in modules:
            _check_pattern(pattern, f"{key}.modules", fail)
        approach = spec.get("approach", "strangler")
        if approach not in APPROACHES:
            raise fail(f"{key}.approach", " or ".join(APPROACHES), approach)
        interface = spec.get("interface")
        if interface is not None and not _is_str_list(interface):
            raise fail(f"{key}.interface", "a list of module names", interface)
        pkg_path = spec.get("path")
        if pkg_path is not None and not isinstance(pkg_path, str):
            raise fail(f"{key}.path", "a folder path", pkg_path)
        description = spec.get("description", "")
        if not isinstance(description, str):
            raise fail(f"{key}.description", "a string", description)
        packages.append(TargetPackage(
            name=name, category=str(category), depends_on=tuple(depends_on), modules=tuple(modules),
            approach=approach, description=description, path=pkg_path,
            interface=tuple(interface) if interface is not None else None,
        ))

    names = {p.name for p in packages}
    for pkg in packages:
        for dep in pkg.depends_on:
            if dep not in names:
                raise fail(f"packages.{pkg.name}.depends_on", f"names of packages in this roadmap (no '{dep}')")
            if dep == pkg.name:
                raise fail(f"packages.{pkg.name}.depends_on", "other packages, not the package itself")
            if categories.index(_cat(packages, dep)) > categories.index(pkg.category):
                raise fail(
                    f"packages.{pkg.name}.depends_on",
                    f"dependencies on the same or lower layers ('{dep}' is {_cat(packages, dep)}, "
                    f"above {pkg.category})",
                )

    phases = []
    raw_phases = data.get("phases") or []
    if not isinstance(raw_phases, list):
        raise fail("phases", "a list of phases", raw_phases)
    for index, spec in enumerate(raw_phases):
        key = f"phases[{index}]"
        if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
            raise fail(key, "a mapping with a 'name'", spec)
        unknown = set(spec) - _PHASE_KEYS
        if unknown:
            raise fail(f"{key}.{sorted(unknown)[0]}", f"one of {', '.join(sorted(_PHASE_KEYS))}")
        phase_packages = spec.get("packages") or []
        if not _is_str_list(phase_packages) or any(p not in names for p in phase_packages):
            raise fail(f"{key}.packages", "a list of package names from 'packages'", phase_packages)
        gates = spec.get("gates") or {}
        if not isinstance(gates, dict):
            raise fail(f"{key}.gates", "a mapping of gate name to threshold", gates)
        phases.append(Phase(name=spec["name"], packages=tuple(phase_packages),
                            description=str(spec.get("description", "")), gates=dict(gates)))

    test_command = data.get("test_command")
    if test_command is not None and not isinstance(test_command, str):
        raise fail("test_command", "a shell command string", test_command)
    monolith = data.get("monolith")
    if monolith is not None and not isinstance(monolith, str):
        raise fail("monolith", "the monolith's source folder, relative to the roadmap", monolith)
    ignore_typing = data.get("ignore_type_checking_imports", False)
    if not isinstance(ignore_typing, bool):
        raise fail("ignore_type_checking_imports", "true or false", ignore_typing)
    return Roadmap(path=path, name=str(data.get("name", "roadmap")), packages=tuple(packages),
                   phases=tuple(phases), categories=tuple(categories), test_command=test_command,
                   monolith=monolith, ignore_type_checking_imports=ignore_typing)


def _cat(packages: list[TargetPackage], name: str) -> str:
    return next(p.category for p in packages if p.name == name)


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v for v in value)


def _check_pattern(pattern: str, key: str, fail: Any) -> None:
    parts = pattern.removeprefix("=").split(".")
    ok = all(p and (p in ("*", "**") or p.replace("_", "a").replace("*", "a").isalnum()) for p in parts)
    if not ok:
        raise fail(key, "dotted module patterns ('a.b', 'a.*', 'a.**.models', '=a')", pattern)
