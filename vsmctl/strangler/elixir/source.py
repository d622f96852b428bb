"""What the Elixir backend reads from one file's tree-sitter tree: each module's span, its
public functions and macros (with every arity their defaults give), and what it `use`s.

Built on the analysis scanner (vsmctl.analysis.elixir.references), so that a name here expands
through the same aliases as in the graph.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vsmctl.analysis.elixir import parser as ts
from vsmctl.analysis.elixir.references import QUERY, _FileScanner

DEF_KINDS = {"def": "def", "defdelegate": "def", "defmacro": "macro", "defguard": "macro"}
# `use` of these generates child_spec/1: the module can sit in a supervision tree.
# Callbacks OTP calls on the implementing module itself: a shim or a facade never forwards them.
OTP_CALLBACKS = frozenset({"init", "handle_call", "handle_cast", "handle_info", "handle_continue", "terminate",
                           "code_change", "format_status"})
CHILD_SPEC_BEHAVIOURS = frozenset({"GenServer", "Agent", "Supervisor", "Task", "DynamicSupervisor", "Registry"})


@dataclass
class ModuleSource:
    name: str
    kind: str  # module | protocol | impl
    start: int
    end: int
    functions: set[tuple[str, int]] = field(default_factory=set)
    macros: set[tuple[str, int]] = field(default_factory=set)
    uses: list[str] = field(default_factory=list)
    struct: str | None = None  # the `defstruct ...` expression, as written
    using_functions: set[tuple[str, int]] = field(default_factory=set)  # defs its __using__ quote injects
    using_uses: list[str] = field(default_factory=list)  # what its quotes `use`


@dataclass
class ParsedFile:
    data: bytes
    tree: Any
    scanner: _FileScanner
    aliases: list[Any]  # every alias node, in source order
    modules: list[ModuleSource]

    def module_at(self, at: int) -> ModuleSource | None:
        found = None
        for m in self.modules:
            if m.start <= at < m.end:
                found = m
        return found


def parse(data: bytes, rel: str = "") -> ParsedFile:
    tree = ts.parser().parse(data)
    found = ts.captures(QUERY, tree.root_node)
    scanner = _FileScanner(rel, data)
    for call in sorted(found.get("call", []), key=lambda n: n.start_byte):
        scanner.directive(call)
    modules = [ModuleSource(s.name, s.kind, s.start, s.end) for s in scanner.spans]
    parsed = ParsedFile(data, tree, scanner, sorted(found.get("alias", []), key=lambda n: n.start_byte), modules)
    _read_definitions(parsed, tree.root_node)
    return parsed


def _walk(node: Any) -> Any:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.named_children))


def _inside_quote(node: Any) -> Any | None:
    parent = node.parent
    while parent is not None:
        if parent.type == "call" and ts.call_name(parent) == "quote":
            return parent
        parent = parent.parent
    return None


def _read_definitions(parsed: ParsedFile, root: Any) -> None:
    for node in _walk(root):
        if node.type != "call":
            continue
        name = ts.call_name(node)
        module = parsed.module_at(node.start_byte)
        if module is None or name is None:
            continue
        quote = _inside_quote(node)
        if name in DEF_KINDS:
            _definition(node, name, module, quote)
        elif name == "use":
            args = ts.arguments(node)
            if args and args[0].type == "alias":
                used = parsed.scanner.expand(ts.text(args[0]), node.start_byte)
                (module.uses if quote is None else module.using_uses).append(used)
        elif name == "defstruct" and quote is None:
            module.struct = ts.text(node)


def _definition(node: Any, kind: str, module: ModuleSource, quote: Any | None) -> None:
    args = ts.arguments(node)
    if not args:
        return
    found = signature(args[0])
    if found is None:
        return
    fname, required, total = found
    arities = {(fname, n) for n in range(required, total + 1)}
    if quote is not None:
        using = quote.parent
        while using is not None and not (using.type == "call" and ts.call_name(using) == "defmacro"):
            using = using.parent
        head = ts.arguments(using)[0] if using is not None and ts.arguments(using) else None
        using_sig = signature(head) if head is not None else None
        if using_sig is not None and using_sig[0] == "__using__" and kind == "def":
            module.using_functions |= arities
        return
    (module.functions if DEF_KINDS[kind] == "def" else module.macros).update(arities)


def signature(head: Any) -> tuple[str, int, int] | None:
    """(name, required arity, full arity) of a definition head: `f(a, b \\\\ 1)`, `f`, `f(x) when ...`."""
    if head.type == "binary_operator" and head.child_by_field_name("operator") is not None \
            and ts.text(head.child_by_field_name("operator")) == "when":
        head = head.child_by_field_name("left")
    if head.type == "identifier":
        return ts.text(head), 0, 0
    if head.type != "call" or ts.call_name(head) is None:
        return None
    params = ts.arguments(head)
    defaults = sum(1 for p in params if p.type == "binary_operator"
                   and ts.text(p.child_by_field_name("operator")) == "\\\\")
    return str(ts.call_name(head)), len(params) - defaults, len(params)


def public_functions(module: ModuleSource, using: dict[str, ModuleSource]) -> set[tuple[str, int]]:
    """The module's public functions: its own defs, what the modules it `use`s inject, child_spec/1."""
    found = {(n, a) for n, a in module.functions if n not in OTP_CALLBACKS}
    for used in module.uses:
        if used in using:
            found |= {(n, a) for n, a in using[used].using_functions if n not in OTP_CALLBACKS}
            if any(u in CHILD_SPEC_BEHAVIOURS for u in using[used].using_uses):
                found.add(("child_spec", 1))
        if used in CHILD_SPEC_BEHAVIOURS:
            found.add(("child_spec", 1))
    return found
