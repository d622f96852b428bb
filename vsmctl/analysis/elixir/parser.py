"""One tree-sitter parser for Elixir, made on first use (loading the grammar costs a few ms)."""

from __future__ import annotations

from functools import cache
from typing import Any

from vsmctl.errors import InputError


@cache
def language() -> Any:
    try:
        import tree_sitter
        import tree_sitter_elixir
    except ImportError as exc:  # a broken install, not a user error we can fix for them
        raise InputError(f"Elixir analysis needs tree-sitter and tree-sitter-elixir ({exc})") from None
    return tree_sitter.Language(tree_sitter_elixir.language())


@cache
def parser() -> Any:
    import tree_sitter

    return tree_sitter.Parser(language())


@cache
def query(source: str) -> Any:
    import tree_sitter

    return tree_sitter.Query(language(), source)


def captures(query_source: str, node: Any) -> dict[str, list[Any]]:
    import tree_sitter

    found: dict[str, list[Any]] = tree_sitter.QueryCursor(query(query_source)).captures(node)
    return found


def text(node: Any) -> str:
    data: bytes = node.text
    return data.decode("utf-8", "replace")


def call_name(call: Any) -> str | None:
    """`name` for a call written `name args` / `name(args)`; None for remote calls and others."""
    target = call.child_by_field_name("target")
    if target is None or target.type != "identifier":
        return None
    return text(target)


def arguments(call: Any) -> list[Any]:
    for child in call.named_children:
        if child.type == "arguments":
            return list(child.named_children)
    return []
