"""Editing a `mix.exs` as text: a path dependency added to its deps list, the rest kept byte for
byte (the list is found in the syntax tree: `deps: [...]` in `def project`, or the list a
`defp deps do ... end` returns)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vsmctl.analysis.elixir import parser as ts
from vsmctl.analysis.elixir.mix_file import _calls_named, _nodes, _project_pairs
from vsmctl.errors import InputError


def _deps_list(root: Any) -> Any | None:
    value = _project_pairs(root).get("deps")
    if value is None:
        return None
    if value.type == "list":
        return value
    if value.type in ("call", "identifier"):  # deps: deps() -> defp deps, do: [...]
        for call in _calls_named(root, ("defp", "def")):
            args = ts.arguments(call)
            head = args[0] if args else None
            name = ts.call_name(head) if head is not None and head.type == "call" else (
                ts.text(head) if head is not None and head.type == "identifier" else None)
            if name == "deps":
                lists = [n for n in _nodes(call, "list")]
                return lists[-1] if lists else None
    return None


def add_path_dependency(mix_exs: Path, app: str, path: str) -> bool:
    """Add `{:app, path: "path"}` to the deps; False when it is there already."""
    data = mix_exs.read_bytes()
    root = ts.parser().parse(data).root_node
    deps = _deps_list(root)
    if deps is None:
        raise InputError(f"{mix_exs}: no deps list found (give `def project` a `deps: [...]`)")
    if f"{{:{app}," in ts.text(deps).replace(" ", ""):
        return False
    entry = f'{{:{app}, path: "{path}"}}'.encode()
    items = deps.named_children
    if not items:
        new = data[:deps.start_byte] + b"[" + entry + b"]" + data[deps.end_byte:]
    elif deps.start_point[0] == deps.end_point[0]:  # one line: [a, b] -> [a, b, new]
        last = items[-1]
        new = data[:last.end_byte] + b", " + entry + data[last.end_byte:]
    else:  # one item a line: the new one after the last, with its indentation
        last = items[-1]
        indent = b" " * last.start_point[1]
        after = data[last.end_byte:deps.end_byte]
        comma = b"" if after.lstrip().startswith(b",") else b","
        new = data[:last.end_byte] + comma + b"\n" + indent + entry + data[last.end_byte:]
        if comma == b"":  # a trailing comma: the new entry goes after it
            cut = last.end_byte + after.index(b",") + 1
            new = data[:cut] + b"\n" + indent + entry + b"," + data[cut:]
    mix_exs.write_bytes(new)
    return True


def path_dependencies(mix_exs: Path) -> list[tuple[str, str]]:
    """The `{:app, path: "..."}` entries of the deps list, as (app, path)."""
    try:
        data = mix_exs.read_bytes()
    except OSError:
        return []
    deps = _deps_list(ts.parser().parse(data).root_node)
    found = []
    for item in deps.named_children if deps is not None else []:
        if item.type != "tuple" or len(item.named_children) < 2:
            continue
        app_node, options = item.named_children[0], item.named_children[-1]
        app = ts.text(app_node).lstrip(":")
        for pair in options.named_children if options.type == "keywords" else []:
            if ts.text(pair.child_by_field_name("key")).strip() == "path:":
                value = pair.child_by_field_name("value")
                found.append((app, ts.text(value).strip('"')))
    return found
