"""Reading YAML a user gave us without letting aliases blow it up (the "billion laughs").

PyYAML's safe loader refuses `!!python` tags but expands aliases: nine nested lists of nine
aliases each are 9**9 nodes from a 300-byte file (30 s and 2.5 GB before a MemoryError). Here
the document is composed first (aliases stay references, so this is as cheap as the file is
long), its size as it would be after expansion is counted, and a document whose aliases would
add more than `max_alias_nodes` nodes, or that refers to itself, is refused before anything is
built.
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_ALIAS_NODES = 10_000  # far beyond what `<<: *defaults` merges in a real roadmap


class AliasBombError(yaml.YAMLError):
    """Aliases that would expand beyond the bound (or into themselves). `problem` and
    `problem_mark` are set as on PyYAML's own errors, so callers report it the same way."""

    def __init__(self, problem: str, mark: Any = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.problem_mark = mark


def safe_load(text: str, max_alias_nodes: int = MAX_ALIAS_NODES) -> Any:
    """`yaml.safe_load` (libyaml's when PyYAML has it), refusing alias bombs and recursive aliases."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_expansion(node, max_alias_nodes)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _check_expansion(root: yaml.Node, max_alias_nodes: int) -> None:
    """Raise unless expanding every alias adds at most `max_alias_nodes` nodes to the document."""
    sizes: dict[int, int] = {}  # node id -> nodes it expands to (each node is counted once)
    distinct = 0
    on_path: set[int] = set()
    # iterative depth-first walk: a deeply nested document must not hit Python's recursion limit
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in _children(node))
            continue
        if key in sizes:
            continue
        if key in on_path:
            raise AliasBombError("an alias refers to the node that contains it (a recursive alias)",
                                 node.start_mark)
        on_path.add(key)
        distinct += 1
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in sizes)
    added = sizes[id(root)] - distinct
    if added > max_alias_nodes:
        raise AliasBombError(f"aliases would expand the document by {added:,} nodes (at most "
                             f"{max_alias_nodes:,} allowed): refused", root.start_mark)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []
