"""Load and validate roadmap.yaml. Every error names the file, the key and what was expected.

Besides types, the loader refuses what would later write outside the repository or confuse
git: package names must be usable in a branch name (`vsm/extract/NAME`), `path:` and
`monolith:` must stay inside the roadmap's folder, `depends_on` must not form a cycle, and
every gate must be a known one with a value of its type.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vsmctl.errors import RoadmapError
from vsmctl.roadmap.model import APPROACHES, DEFAULT_CATEGORIES, Gates, Phase, Roadmap, TargetPackage

_PACKAGE_KEYS = {"category", "depends_on", "modules", "approach", "description", "path", "interface", "namespace"}
_TOP_KEYS = {"version", "name", "categories", "packages", "phases", "test_command", "monolith", "python",
             "ignore_type_checking_imports"}
_PHASE_KEYS = {"name", "packages", "description", "gates"}
# one component of a git branch name, and a Python distribution name: letters, digits, . _ -
_NAMESPACE = re.compile(r"[A-Z][A-Za-z0-9_]*(?:\.[A-Z][A-Za-z0-9_]*)*")
_PACKAGE_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9_-])?")
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd])")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def load_roadmap(path: Path) -> Roadmap:
    import yaml  # only the commands that read a roadmap pay for PyYAML

    from vsmctl.yaml_safe import safe_load

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
        # libyaml's loader when PyYAML has it (ten times faster on a large roadmap); aliases bounded
        data = safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise RoadmapError(f"{path}{where}: invalid YAML ({problem})") from None
    return parse_roadmap(data, path)


@dataclass(frozen=True)
class _Where:
    """Builds the one-line error for a key of this roadmap."""

    file: str

    def fail(self, key: str, expected: str, got: Any = None) -> RoadmapError:
        got_text = "" if got is None else f", got {type(got).__name__} {got!r}"[:120]
        return RoadmapError(f"{self.file}: {key}: expected {expected}{got_text}")


def parse_roadmap(data: Any, path: Path | None = None) -> Roadmap:
    where = _Where(str(path) if path else "roadmap")
    _check_top(data, where)
    categories = _categories(data, where)
    raw_packages = data.get("packages")
    if not isinstance(raw_packages, dict) or not raw_packages:
        raise where.fail("packages", "a mapping of package name to its definition", raw_packages)
    packages = [_package(name, spec, categories, where) for name, spec in raw_packages.items()]
    _check_dependencies(packages, categories, where)
    phases = _phases(data.get("phases") or [], {p.name for p in packages}, where)
    test_command = data.get("test_command")
    if test_command is not None and not isinstance(test_command, str):
        raise where.fail("test_command", "a shell command string", test_command)
    python = data.get("python")
    if python is not None and (not isinstance(python, str) or not python.strip()):
        raise where.fail("python", "the interpreter or venv folder that runs the test command", python)
    monolith = data.get("monolith")
    if monolith is not None:
        _check_inside(monolith, "monolith", "the monolith's source folder, relative to the roadmap", where)
    ignore_typing = data.get("ignore_type_checking_imports", False)
    if not isinstance(ignore_typing, bool):
        raise where.fail("ignore_type_checking_imports", "true or false", ignore_typing)
    return Roadmap(path=path, name=str(data.get("name", "roadmap")), packages=tuple(packages),
                   phases=tuple(phases), categories=tuple(categories), test_command=test_command,
                   monolith=monolith, python=python, ignore_type_checking_imports=ignore_typing)


def _check_top(data: Any, where: _Where) -> None:
    if not isinstance(data, dict):
        raise where.fail("(top level)", "a mapping with a 'packages' key", data)
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise where.fail(sorted(unknown)[0], f"one of the keys {', '.join(sorted(_TOP_KEYS))}")
    version = data.get("version", 1)
    if version != 1:
        raise where.fail("version", "1", version)
    if not isinstance(data.get("name", ""), str):
        raise where.fail("name", "a string", data.get("name"))


def _categories(data: dict[str, Any], where: _Where) -> list[str]:
    categories = data.get("categories", list(DEFAULT_CATEGORIES))
    if not _is_str_list(categories) or not categories:
        raise where.fail("categories", "a non-empty list of category names, lowest layer first", categories)
    return list(categories)


def _package(name: Any, spec: Any, categories: list[str], where: _Where) -> TargetPackage:
    key = f"packages.{name}"
    if not isinstance(name, str) or not name:
        raise where.fail("packages", "package names to be strings", name)
    if not _PACKAGE_NAME.fullmatch(name) or ".." in name or name.endswith(".lock"):
        raise where.fail(key, "a package name of letters, digits, '.', '_' and '-' (it names a git branch)",
                         name)
    if not isinstance(spec, dict):
        raise where.fail(key, "a mapping (category, depends_on, modules, ...)", spec)
    unknown = set(spec) - _PACKAGE_KEYS
    if unknown:
        raise where.fail(f"{key}.{sorted(unknown)[0]}", f"one of {', '.join(sorted(_PACKAGE_KEYS))}")
    category = spec.get("category")
    if category not in categories:
        raise where.fail(f"{key}.category", f"one of {', '.join(categories)}", category)
    approach = spec.get("approach", "strangler")
    if approach not in APPROACHES:
        raise where.fail(f"{key}.approach", " or ".join(APPROACHES), approach)
    pkg_path = spec.get("path")
    if pkg_path is not None:
        _check_inside(pkg_path, f"{key}.path", "a folder inside the repository, relative to the roadmap", where)
    description = spec.get("description", "")
    if not isinstance(description, str):
        raise where.fail(f"{key}.description", "a string", description)
    depends_on, modules, interface = _package_lists(spec, key, where)
    namespace = spec.get("namespace")
    if namespace is not None and not (isinstance(namespace, str) and _NAMESPACE.fullmatch(namespace)):
        raise where.fail(f"{key}.namespace", "a module name like VsmTelemetry (Elixir: the moved modules' new prefix)",
                         namespace)
    return TargetPackage(name=name, category=str(category), depends_on=depends_on, modules=modules,
                         approach=approach, description=description, path=pkg_path, interface=interface,
                         namespace=namespace)


def _package_lists(spec: dict[str, Any], key: str, where: _Where
                   ) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...] | None]:
    depends_on = spec.get("depends_on") or []
    if not _is_str_list(depends_on):
        raise where.fail(f"{key}.depends_on", "a list of package names", depends_on)
    modules = spec.get("modules") or []
    if not _is_str_list(modules):
        raise where.fail(f"{key}.modules", "a list of module patterns like 'app.billing' or 'app.*.models'", modules)
    for pattern in modules:
        _check_pattern(pattern, f"{key}.modules", where)
    interface = spec.get("interface")
    if interface is not None and not _is_str_list(interface):
        raise where.fail(f"{key}.interface", "a list of module names", interface)
    return tuple(depends_on), tuple(modules), tuple(interface) if interface is not None else None


def _check_inside(value: Any, key: str, expected: str, where: _Where) -> None:
    """A relative path that stays inside the roadmap's folder (the repository), checked on the text."""
    if not isinstance(value, str) or not value.strip():
        raise where.fail(key, expected, value)
    text = value.replace("\\", "/")
    normal = posixpath.normpath(text)
    if text.startswith("/") or re.match(r"[A-Za-z]:", text) or normal == ".." or normal.startswith("../"):
        raise where.fail(key, f"{expected} (not outside it)", value)


def _check_dependencies(packages: list[TargetPackage], categories: list[str], where: _Where) -> None:
    category = {p.name: p.category for p in packages}
    for pkg in packages:
        for dep in pkg.depends_on:
            if dep not in category:
                raise where.fail(f"packages.{pkg.name}.depends_on", f"names of packages in this roadmap (no '{dep}')")
            if dep == pkg.name:
                raise where.fail(f"packages.{pkg.name}.depends_on", "other packages, not the package itself")
            if categories.index(category[dep]) > categories.index(pkg.category):
                raise where.fail(f"packages.{pkg.name}.depends_on",
                                 f"dependencies on the same or lower layers ('{dep}' is {category[dep]}, "
                                 f"above {pkg.category})")
    cycle = _dependency_cycle({p.name: p.depends_on for p in packages})
    if cycle:
        raise where.fail(f"packages.{cycle[0]}.depends_on", f"no dependency cycle ({' -> '.join(cycle)})")


def _dependency_cycle(graph: dict[str, tuple[str, ...]]) -> list[str]:
    """One cycle of the depends_on graph (first node repeated at the end), or [] (iterative DFS)."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in graph:
        if start in state:
            continue
        path = [start]
        stack = [iter(graph[start])]
        state[start] = 1
        while stack:
            dep = next(stack[-1], None)
            if dep is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(dep) == 1:
                return [*path[path.index(dep):], dep]
            elif dep not in state:
                state[dep] = 1
                path.append(dep)
                stack.append(iter(graph.get(dep, ())))
    return []


def _phases(raw_phases: Any, names: set[str], where: _Where) -> list[Phase]:
    if not isinstance(raw_phases, list):
        raise where.fail("phases", "a list of phases", raw_phases)
    phases = []
    for index, spec in enumerate(raw_phases):
        key = f"phases[{index}]"
        if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
            raise where.fail(key, "a mapping with a 'name'", spec)
        unknown = set(spec) - _PHASE_KEYS
        if unknown:
            raise where.fail(f"{key}.{sorted(unknown)[0]}", f"one of {', '.join(sorted(_PHASE_KEYS))}")
        phase_packages = spec.get("packages") or []
        if not _is_str_list(phase_packages) or any(p not in names for p in phase_packages):
            raise where.fail(f"{key}.packages", "a list of package names from 'packages'", phase_packages)
        description = spec.get("description", "")
        if not isinstance(description, str):
            raise where.fail(f"{key}.description", "a string", description)
        phases.append(Phase(name=spec["name"], packages=tuple(phase_packages), description=description,
                            gates=parse_gates(spec.get("gates") or {}, f"{key}.gates", where)))
    return phases


def parse_gates(raw: Any, key: str, where: _Where | None = None) -> Gates:
    """Typed gates from a phase's `gates:` mapping; an unknown name or a bad value names its key."""
    where = where or _Where("roadmap")
    if not isinstance(raw, dict):
        raise where.fail(key, "a mapping of gate name to threshold", raw)
    values: dict[str, Any] = {}
    for name, value in raw.items():
        check = _GATE_CHECKS.get(name) if isinstance(name, str) else None
        if check is None:
            raise where.fail(f"{key}.{name}", f"a known gate ({', '.join(Gates.names())})")
        expected, parsed = check(value)
        if parsed is None:
            raise where.fail(f"{key}.{name}", expected, value)
        values[name] = parsed
    return Gates(**values)


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _percent(value: Any) -> tuple[str, float | None]:
    number = _number(value)
    return "a percentage from 0 to 100", number if number is not None and 0 <= number <= 100 else None


def _ratio(value: Any) -> tuple[str, float | None]:
    number = _number(value)
    return "a ratio above 0 (candidate p95 / control p95)", number if number is not None and number > 0 else None


def _count(value: Any) -> tuple[str, int | None]:
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    return "a whole number, 0 or more", value if ok else None


def _duration(value: Any) -> tuple[str, float | None]:
    match = _DURATION.fullmatch(value.strip()) if isinstance(value, str) else None
    return ("a duration like 30m, 24h or 7d",
            float(match.group(1)) * _SECONDS[match.group(2)] if match else None)


def _boolean(value: Any) -> tuple[str, bool | None]:
    return "true or false", value if isinstance(value, bool) else None


def _tests(value: Any) -> tuple[str, str | None]:
    return "pass", value if value == "pass" else None


_GATE_CHECKS: dict[str, Any] = {
    "tests": _tests, "flag_rollout": _percent, "parallel_run_match": _percent, "latency_ratio": _ratio,
    "min_samples": _count, "soak": _duration, "api_compatible": _boolean, "violations": _count,
}


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v for v in value)


def _check_pattern(pattern: str, key: str, where: _Where) -> None:
    parts = pattern.removeprefix("=").split(".")
    ok = all(p and (p in ("*", "**") or p.replace("_", "a").replace("*", "a").isalnum()) for p in parts)
    if not ok:
        raise where.fail(key, "dotted module patterns ('a.b', 'a.*', 'a.**.models', '=a')", pattern)
