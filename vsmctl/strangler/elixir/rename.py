"""Renaming modules in one Elixir file, by byte ranges from its tree-sitter tree (formatting kept).

Every alias node is expanded through the aliases in scope (as the analysis does) and, when it
names a moved module, rewritten:
- written in full (`VsmPhoenix.Config.Store.get(...)`, `%VsmPhoenix.Config.Settings{}`, `use`,
  `require`, `import`, `@behaviour`, child specs, `defmodule` heads): the new name in its place;
- written through an alias whose directive is rewritten (below): left as it is, the short name
  still stands for the same module;
- written through an alias that is not moved itself (`alias VsmPhoenix, as: V`; `V.Config.Store`):
  the new name in full.
Directives keep the short name they gave: `alias VsmPhoenix.Config` becomes
`alias VsmConfig, as: Config`; a moved item of `alias VsmPhoenix.{Config, Goldrush}` leaves the
braces for a directive of its own on the next line.
"""

from __future__ import annotations

from typing import Any

from vsmctl.analysis.elixir import parser as ts
from vsmctl.strangler.elixir.source import ParsedFile, parse
from vsmctl.strangler.moves import Moves

Edit = tuple[int, int, bytes]


def _flat(text: str) -> str:
    return "".join(text.split()).removeprefix("Elixir.")


def _last(name: str) -> str:
    return name.rsplit(".", 1)[-1]


def rename_source(data: bytes, moves: Moves) -> bytes:
    """The file with every reference to a moved module pointing at its new name."""
    if not any(old.encode() in data or _last(old).encode() in data for old in moves.mapping):
        return data  # cheap pre-filter: no name of the moved modules appears at all
    parsed = parse(data)
    edits: list[Edit] = []
    for node in parsed.aliases:
        edits.extend(_edits_for(parsed, node, moves))
    return apply_edits(data, edits)


def apply_edits(data: bytes, edits: list[Edit]) -> bytes:
    out = data
    last_start = len(data) + 1
    for start, end, text in sorted(set(edits), key=lambda e: (e[0], e[1]), reverse=True):
        if end > last_start:
            continue  # overlapping: the outer edit was taken
        out = out[:start] + text + out[end:]
        last_start = start
    return out


def _moved(moves: Moves, name: str) -> str | None:
    new = moves.new_name(name)
    return new if new is not None and new != name else None


def _edits_for(parsed: ParsedFile, node: Any, moves: Moves) -> list[Edit]:
    parent = node.parent
    if parent is None:
        return []
    if parent.type == "dot":
        left, right = parent.child_by_field_name("left"), parent.child_by_field_name("right")
        if left == node and right is not None and right.type == "tuple":
            return _brace_directive(parsed, node, right, moves)
        if left is not None and left != node:
            return []  # `__MODULE__.X` or `expr.X`: relative to something else
    elif parent.type == "tuple" and parent.parent is not None and parent.parent.type == "dot":
        return []  # an item of `alias A.{B, C}`: done with its directive
    elif parent.type == "pair" and ts.text(parent.child_by_field_name("key")).strip() == "as:":
        return []  # the short name an alias directive gives
    return _usage(parsed, node, moves)


def _usage(parsed: ParsedFile, node: Any, moves: Moves) -> list[Edit]:
    written = _flat(ts.text(node))
    expanded = parsed.scanner.expand(written, node.start_byte)
    new = _moved(moves, expanded)
    if new is None:
        return []
    if expanded != written:
        head = written.split(".", 1)[0]
        through = parsed.scanner.expand(head, node.start_byte)
        if _moved(moves, through) is not None:
            return []  # the alias directive follows the move and keeps the short name
    text = new
    directive = _directive_of(node)
    if directive == "alias" and _last(new) != _last(written) and not _has_as(node):
        text = f"{new}, as: {_last(written)}"
    return [(node.start_byte, node.end_byte, text.encode())]


def _directive_of(node: Any) -> str | None:
    """`alias` when the node is the first argument of an alias directive, etc."""
    arguments = node.parent
    if arguments is None or arguments.type != "arguments" or arguments.named_children[0] != node:
        return None
    call = arguments.parent
    return ts.call_name(call) if call is not None and call.type == "call" else None


def _has_as(node: Any) -> bool:
    for sibling in node.parent.named_children[1:]:
        if sibling.type == "keywords" and any(ts.text(p.child_by_field_name("key")).strip() == "as:"
                                              for p in sibling.named_children):
            return True
    return False


def _brace_directive(parsed: ParsedFile, base_node: Any, braces: Any, moves: Moves) -> list[Edit]:
    """`alias A.{B, C}`: the base renamed when it moves as a whole; otherwise each moved item
    becomes a directive of its own after this one (keeping its short name)."""
    base = parsed.scanner.expand(_flat(ts.text(base_node)), base_node.start_byte)
    new_base = _moved(moves, base)
    if new_base is not None:
        return [(base_node.start_byte, base_node.end_byte, new_base.encode())]
    items = [i for i in braces.named_children if i.type == "alias"]
    moved = [(i, _moved(moves, f"{base}.{_flat(ts.text(i))}")) for i in items]
    moved_items = [(i, new) for i, new in moved if new is not None]
    if not moved_items:
        return []
    call = base_node.parent.parent.parent  # dot -> arguments -> call
    if call is None or call.type != "call" or ts.call_name(call) not in ("alias", "require", "import"):
        return []
    keyword = str(ts.call_name(call))
    indent = b" " * call.start_point[1]
    lines = b"".join(b"\n" + indent + _directive(keyword, new, _last(_flat(ts.text(i)))).encode()
                     for i, new in moved_items)
    if len(moved_items) == len(items):
        return [(call.start_byte, call.end_byte, lines[1 + len(indent):])]
    edits = [(call.end_byte, call.end_byte, lines)]
    kept = [i for i in items if all(i != m for m, _ in moved_items)]
    if len(kept) == 1:  # `alias A.{B}` reads as `alias A.B`
        edits.append((base_node.start_byte, braces.end_byte, f"{ts.text(base_node)}.{ts.text(kept[0])}".encode()))
    else:
        kept_text = ", ".join(ts.text(i) for i in kept)
        edits.append((braces.start_byte, braces.end_byte, ("{" + kept_text + "}").encode()))
    return edits


def _directive(keyword: str, new: str, short: str) -> str:
    if keyword == "alias" and _last(new) != short:
        return f"alias {new}, as: {short}"
    return f"{keyword} {new}"
