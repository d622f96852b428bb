"""What a `mix.exs` says about where the code is, read from its syntax tree (never evaluated).

Only the literal forms a project file uses in practice are understood: `app: :name`,
`apps_path: "apps"`, `elixirc_paths: ["lib", ...]` and `elixirc_paths: elixirc_paths(Mix.env())`
with `defp elixirc_paths(...)` clauses, of which the catch-all (the production paths) counts.
Anything else falls back to Mix's own default, `lib/`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vsmctl.analysis.elixir import parser as ts

DEFAULT_PATHS = ("lib",)


@dataclass(frozen=True)
class MixFile:
    app: str | None
    elixirc_paths: tuple[str, ...]
    apps_path: str | None  # an umbrella's folder of apps


def read_mix_file(path: Path) -> MixFile:
    try:
        data = path.read_bytes()
    except OSError:
        return MixFile(None, DEFAULT_PATHS, None)
    root = ts.parser().parse(data).root_node
    pairs = _project_pairs(root)
    app = _atom(pairs.get("app"))
    apps_path = _string(pairs.get("apps_path"))
    paths = _paths(pairs.get("elixirc_paths"), root)
    return MixFile(app, paths or DEFAULT_PATHS, apps_path)


def _nodes(root: Any, kind: str) -> list[Any]:
    """Every node of one type, in source order. A mix.exs is small: a walk costs less than
    compiling a query (which a warm analysis would pay for this file alone)."""
    found, stack = [], [root]
    while stack:
        node = stack.pop()
        if node.type == kind:
            found.append(node)
        stack.extend(reversed(node.named_children))
    return found


def _calls_named(root: Any, names: tuple[str, ...]) -> list[Any]:
    return [call for call in _nodes(root, "call") if ts.call_name(call) in names]


def _project_pairs(root: Any) -> dict[str, Any]:
    """The keyword pairs of `def project`, or of the whole file when there is no such function."""
    scope = root
    for call in _calls_named(root, ("def",)):
        args = ts.arguments(call)
        if args and _head_name(args[0]) == "project":
            scope = call
            break
    pairs: dict[str, Any] = {}
    for pair in _nodes(scope, "pair"):
        key = pair.child_by_field_name("key")
        name = ts.text(key).strip().rstrip(":")
        if name not in pairs:
            pairs[name] = pair.child_by_field_name("value")
    return pairs


def _head_name(node: Any) -> str | None:
    if node.type == "identifier":
        return ts.text(node)
    if node.type == "call":
        return ts.call_name(node)
    return None


def _atom(node: Any | None) -> str | None:
    if node is not None and node.type == "atom":
        return ts.text(node).lstrip(":")
    return None


def _string(node: Any | None) -> str | None:
    if node is not None and node.type == "string":
        return "".join(ts.text(c) for c in node.named_children if c.type == "quoted_content")
    return None


def _strings(node: Any | None) -> tuple[str, ...] | None:
    if node is None or node.type != "list":
        return None
    items = [_string(child) for child in node.named_children]
    if any(item is None for item in items):
        return None
    return tuple(item for item in items if item)


def _paths(node: Any | None, root: Any) -> tuple[str, ...] | None:
    if node is None:
        return None
    literal = _strings(node)
    if literal is not None:
        return literal
    if node.type == "call" and ts.call_name(node):
        return _paths_from_function(ts.call_name(node) or "", root)
    return None


def _paths_from_function(name: str, root: Any) -> tuple[str, ...] | None:
    """The catch-all clause of `defp name(...)`: what `MIX_ENV=prod` compiles."""
    for call in _calls_named(root, ("def", "defp")):
        args = ts.arguments(call)
        if not args or args[0].type != "call" or ts.call_name(args[0]) != name:
            continue
        params = ts.arguments(args[0])
        if params and params[0].type != "identifier":
            continue  # a clause for one environment, such as (:test)
        body = _do_value(call, args)
        found = _strings(body)
        if found is not None:
            return found
    return None


def _do_value(call: Any, args: list[Any]) -> Any | None:
    for arg in args:
        if arg.type == "keywords":
            for pair in arg.named_children:
                if ts.text(pair.child_by_field_name("key")).strip() == "do:":
                    return pair.child_by_field_name("value")
    for child in call.named_children:
        if child.type == "do_block" and child.named_children:
            return child.named_children[-1]
    return None
