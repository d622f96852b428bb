"""One Elixir file's modules and module references, read from its tree-sitter syntax tree.

Two passes over what one query captures (the C side finds the nodes; Python only looks at the
few that matter): the definitions and directives in source order (modules, their spans, the
aliases in scope from where they are written to the end of their block, macros defined), then
every alias node, expanded through the aliases in scope at its position and classified by its
context the way `mix xref` classifies dependencies:

- compile: `use`, `require`, `import`, `@behaviour` (and `@impl`, `@derive`), `defimpl` of a
  protocol, and remote calls
  made while the module compiles (in its body or a module attribute);
- export: `%Struct{}` (recompiled when the struct's fields change);
- runtime: remote calls and captures in functions, modules passed as values
  (`GenServer.call(Mod, ...)`, `apply(Mod, ...)`, `name: Mod`, child specs), typespecs.

A remote call in a function is `CALL` here: it becomes compile when the function turns out to
be a macro of the target module, which only the whole project knows (see frontend.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vsmctl.analysis.elixir import parser as ts
from vsmctl.analysis.model import COMPILE, EXPORT, RUNTIME, Problem

__all__ = ["CALL", "COMPILE", "EXPORT", "RUNTIME", "DefinedModule", "FileScan", "Reference", "scan_file"]

CALL = "call"  # provisional: runtime, or compile when the called function is a macro

MODULE_DEFS = frozenset({"defmodule", "defprotocol", "defimpl"})
# Code inside these runs when the function runs (or, for quote, in the caller): not at compile time.
FUNCTION_DEFS = frozenset({"def", "defp", "defmacro", "defmacrop", "defguard", "defguardp", "defdelegate",
                           "defn", "defnp", "quote"})
COMPILE_DIRECTIVES = frozenset({"use", "require", "import"})
TYPE_ATTRIBUTES = frozenset({"spec", "type", "typep", "opaque", "callback", "macrocallback"})

QUERY = """
(alias) @alias
(ERROR) @error
(call target: (identifier) @kw
  (#any-of? @kw "defmodule" "defprotocol" "defimpl" "alias" "require" "defmacro")) @call
"""


@dataclass(frozen=True)
class DefinedModule:
    name: str
    kind: str  # module | protocol | impl
    line: int
    lines: int  # its own lines, nested modules not counted
    macros: tuple[str, ...]


@dataclass(frozen=True)
class Reference:
    source: str  # the referencing module
    target: str  # the referenced module, aliases expanded
    line: int
    kind: str  # COMPILE | EXPORT | RUNTIME | CALL
    function: str  # the remote call's function, "" otherwise
    text: str  # the source line, stripped


@dataclass(frozen=True)
class FileScan:
    modules: tuple[DefinedModule, ...]
    references: tuple[Reference, ...]
    problems: tuple[Problem, ...]


@dataclass
class _Span:
    name: str
    kind: str
    start: int
    end: int
    line: int
    end_line: int
    macros: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Alias:
    short: str
    full: str
    start: int
    end: int


def scan_file(rel: str, data: bytes) -> FileScan:
    tree = ts.parser().parse(data)
    found = ts.captures(QUERY, tree.root_node)
    scan = _FileScanner(rel, data)
    for call in sorted(found.get("call", []), key=lambda n: n.start_byte):
        scan.directive(call)
    for node in sorted(found.get("alias", []), key=lambda n: n.start_byte):
        scan.reference(node)
    scan.syntax_errors(tree.root_node, found.get("error", []))
    return scan.result()


class _FileScanner:
    def __init__(self, rel: str, data: bytes) -> None:
        self.rel = rel
        self.data = data
        self.lines: list[bytes] | None = None
        self.spans: list[_Span] = []
        self.aliases: list[_Alias] = []
        self.refs: list[Reference] = []
        self.problems: list[Problem] = []

    # --- where we are -------------------------------------------------------------------------
    def module_at(self, at: int) -> _Span | None:
        found = None
        for span in self.spans:
            if span.start <= at < span.end:
                found = span  # spans are in source order: the last one containing `at` is innermost
        return found

    def expand(self, written: str, at: int) -> str:
        written = "".join(written.split())
        written = written.removeprefix("Elixir.")
        head, _, rest = written.partition(".")
        best = None
        for a in self.aliases:
            if a.short == head and a.start <= at < a.end and (best is None or a.start >= best.start):
                best = a
        if best is None:
            return written
        return f"{best.full}.{rest}" if rest else best.full

    def line_text(self, line: int) -> str:
        if self.lines is None:
            self.lines = self.data.split(b"\n")
        raw = self.lines[line - 1] if 0 < line <= len(self.lines) else b""
        return raw.decode("utf-8", "replace").strip()

    def problem(self, line: int, kind: str, message: str) -> None:
        self.problems.append(Problem(self.rel, line, kind, message))

    def add_ref(self, source: str, target: str, node: Any, kind: str, function: str = "") -> None:
        if target and target != source:
            line = node.start_point[0] + 1
            self.refs.append(Reference(source, target, line, kind, function, self.line_text(line)))

    # --- pass 1: definitions and directives ---------------------------------------------------
    def directive(self, call: Any) -> None:
        name = ts.call_name(call)
        args = ts.arguments(call)
        if not args:
            return
        if name in ("defmodule", "defprotocol"):
            self._define(call, args[0], "protocol" if name == "defprotocol" else "module")
        elif name == "defimpl":
            self._define_impl(call, args)
        elif name == "alias" or name == "require":
            self._alias(call, args)
        elif name == "defmacro":
            self._macro(call, args[0])

    def _scope_end(self, call: Any) -> int:
        parent = call.parent
        return parent.end_byte if parent is not None else len(self.data)

    def _named(self, node: Any, at: int) -> str | None:
        """The module a definition or directive names: `A.B`, `__MODULE__` or `__MODULE__.B`."""
        if node.type == "alias":
            return self.expand(ts.text(node), at)
        current = self.module_at(at)
        if node.type == "identifier" and ts.text(node) == "__MODULE__":
            return current.name if current else None
        if node.type == "dot" and current is not None:
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if left is not None and ts.text(left) == "__MODULE__" and right is not None and right.type == "alias":
                return f"{current.name}.{''.join(ts.text(right).split())}"
        return None

    def _register(self, call: Any, name: str, kind: str) -> None:
        self.spans.append(_Span(name, kind, call.start_byte, call.end_byte, call.start_point[0] + 1,
                                call.end_point[0] + 1))

    def _define(self, call: Any, head: Any, kind: str) -> None:
        outer = self.module_at(call.start_byte)
        line = call.start_point[0] + 1
        if head.type == "alias" and outer is not None:
            # A nested module is named inside its parent, and its first segment becomes an alias there.
            written = "".join(ts.text(head).split())
            name = f"{outer.name}.{written}"
            first = written.split(".", 1)[0]
            self.aliases.append(_Alias(first, f"{outer.name}.{first}", call.start_byte, self._scope_end(call)))
        else:
            name = self._named(head, call.start_byte) or ""
        if not name:
            self.problem(line, "unresolved-module",
                         f"`{ts.text(head)}`: a module whose name is computed at compile time (not guessed)")
            return
        self._register(call, name, kind)

    def _define_impl(self, call: Any, args: list[Any]) -> None:
        line = call.start_point[0] + 1
        protocol = self._named(args[0], call.start_byte)
        targets = self._impl_targets(call, args)
        if protocol is None or not targets:
            self.problem(line, "unresolved-module",
                         f"`{self.line_text(line)}`: an implementation whose module name is not written out")
            return
        for target in targets:
            name = f"{protocol}.{target}"
            self._register(call, name, "impl")
            self.add_ref(name, protocol, call, COMPILE)
            self.add_ref(name, target, call, RUNTIME)

    def _impl_targets(self, call: Any, args: list[Any]) -> list[str]:
        for arg in args[1:]:
            if arg.type != "keywords":
                continue
            for pair in arg.named_children:
                if ts.text(pair.child_by_field_name("key")).strip() != "for:":
                    continue
                value = pair.child_by_field_name("value")
                items = value.named_children if value.type == "list" else [value]
                named = [self._named(item, call.start_byte) for item in items]
                return [n for n in named if n]
        outer = self.module_at(call.start_byte)
        return [outer.name] if outer else []  # `defimpl P do` inside a module implements it for that module

    def _alias(self, call: Any, args: list[Any]) -> None:
        end = self._scope_end(call)
        head = args[0]
        as_name = _keyword(args[1:], "as:")
        if head.type == "dot" and (right := head.child_by_field_name("right")) is not None and right.type == "tuple":
            base = self._named(head.child_by_field_name("left"), call.start_byte)
            if base is None:
                return
            for item in right.named_children:
                if item.type == "alias":
                    written = "".join(ts.text(item).split())
                    self.aliases.append(_Alias(written.rsplit(".", 1)[-1], f"{base}.{written}", call.end_byte, end))
            return
        full = self._named(head, call.start_byte)
        if full is None:
            return
        if as_name is not None and as_name.type == "alias":
            self.aliases.append(_Alias(ts.text(as_name), full, call.end_byte, end))
        elif ts.call_name(call) == "alias":
            self.aliases.append(_Alias(full.rsplit(".", 1)[-1], full, call.end_byte, end))

    def _macro(self, call: Any, head: Any) -> None:
        current = self.module_at(call.start_byte)
        if current is None:
            return
        if head.type == "binary_operator":  # defmacro name(args) when guard
            head = head.child_by_field_name("left")
        if head is not None and head.type == "call":
            name = ts.call_name(head)
        elif head is not None and head.type == "identifier":
            name = ts.text(head)
        else:
            name = None
        if name:
            current.macros.append(name)

    # --- pass 2: references -------------------------------------------------------------------
    def reference(self, node: Any) -> None:
        parent = node.parent
        if parent is None:
            return
        holder = node  # the node standing for the module in its context
        if parent.type == "dot":
            left = parent.child_by_field_name("left")
            if left == node:
                right = parent.child_by_field_name("right")
                if right is not None and right.type == "tuple":
                    return  # `alias A.{B, C}`: an alias directive, not a reference
                target = self.expand(ts.text(node), node.start_byte)
            elif left is not None and ts.text(left) == "__MODULE__":
                current = self.module_at(node.start_byte)
                if current is None:
                    return
                target = f"{current.name}.{''.join(ts.text(node).split())}"
                holder = parent
            else:
                return
        elif parent.type == "tuple" and parent.parent is not None and parent.parent.type == "dot":
            return  # an item of `alias A.{B, C}`
        elif parent.type == "pair" and ts.text(parent.child_by_field_name("key")).strip() == "as:":
            return  # the short name an alias directive gives
        else:
            target = self.expand(ts.text(node), node.start_byte)
        source = self.module_at(node.start_byte)
        if source is None:
            return  # a script line outside any module
        classified = self._classify(holder)
        if classified is None:
            return
        kind, function = classified
        if target == "Module" and function == "create":
            line = node.start_point[0] + 1
            self.problem(line, "unresolved-module",
                         "Module.create: a module made at run time; its name and references are not guessed")
        self.add_ref(source.name, target, node, kind, function)

    def _classify(self, holder: Any) -> tuple[str, str] | None:
        """(kind, function) of a module reference by its context; None when it is no reference."""
        parent = holder.parent
        if parent.type == "struct":
            return EXPORT, ""
        function = _remote_function(holder)
        child, node = holder, parent
        while node is not None:
            if node.type == "call":
                found = self._call_context(node, child, function)
                if found is not None:
                    return found if found[0] else None
            child, node = node, node.parent
        return (COMPILE if function else RUNTIME), function

    def _call_context(self, call: Any, child: Any, function: str) -> tuple[str, str] | None:
        """What an enclosing call says about a reference inside it; None: look further out.
        An empty kind means: no reference at all."""
        name = ts.call_name(call)
        if name is None:
            return None
        in_args = child.type == "arguments"
        if name in FUNCTION_DEFS:
            return (CALL if function else RUNTIME), function
        if name in MODULE_DEFS:
            return ("", "") if in_args else ((COMPILE if function else RUNTIME), function)
        if name == "alias" and in_args:
            return "", ""
        if name in COMPILE_DIRECTIVES and in_args:
            return COMPILE, function
        parent = call.parent
        if parent is not None and parent.type == "unary_operator" and ts.text(parent).startswith("@"):
            if name in ("behaviour", "impl", "derive"):
                return COMPILE, ""  # checked or generated while the module compiles
            if name in TYPE_ATTRIBUTES:
                return RUNTIME, function
            # Any other attribute's value is computed while the module compiles.
            return (COMPILE if function else RUNTIME), function
        return None

    # --- syntax errors and the result ---------------------------------------------------------
    def syntax_errors(self, root: Any, errors: list[Any]) -> None:
        if not root.has_error:
            return
        outermost: list[Any] = []
        for node in sorted(errors, key=lambda n: (n.start_byte, -n.end_byte)):
            if outermost and node.end_byte <= outermost[-1].end_byte:
                continue
            outermost.append(node)
        lines = sorted({node.start_point[0] + 1 for node in outermost})  # one report per line
        for line in lines:
            self.problem(line, "syntax-error", f"does not parse here: `{self.line_text(line)[:60]}`; "
                                               "the rest of the file was analyzed")
        if not outermost:
            missing = _first_missing(root)
            line = (missing.start_point[0] + 1) if missing is not None else 1
            self.problem(line, "syntax-error", "incomplete code here (a missing token); "
                                               "the rest of the file was analyzed")

    def result(self) -> FileScan:
        modules = []
        for span in self.spans:
            nested = sum(s.end_line - s.line + 1 for s in self.spans
                         if s is not span and _directly_inside(s, span, self.spans))
            own = max(1, span.end_line - span.line + 1 - nested)
            modules.append(DefinedModule(span.name, span.kind, span.line, own, tuple(span.macros)))
        return FileScan(tuple(modules), tuple(self.refs), tuple(self.problems))


def _keyword(args: list[Any], key: str) -> Any | None:
    for arg in args:
        if arg.type == "keywords":
            for pair in arg.named_children:
                if ts.text(pair.child_by_field_name("key")).strip() == key:
                    return pair.child_by_field_name("value")
    return None


def _remote_function(holder: Any) -> str:
    """`fun` when `holder` is `Mod` in `Mod.fun(...)`, `Mod.fun` or `&Mod.fun/1`; else ""."""
    dot = holder.parent
    if dot is None or dot.type != "dot" or dot.child_by_field_name("left") != holder:
        return ""
    call = dot.parent
    if call is None or call.type != "call" or call.child_by_field_name("target") != dot:
        return ""
    right = dot.child_by_field_name("right")
    return ts.text(right) if right is not None and right.type == "identifier" else ""


def _directly_inside(inner: _Span, outer: _Span, spans: list[_Span]) -> bool:
    if not (outer.start < inner.start and inner.end <= outer.end):
        return False
    return not any(s is not inner and s is not outer and s.start < inner.start and inner.end <= s.end
                   and outer.start < s.start for s in spans)


def _first_missing(node: Any) -> Any | None:
    if node.is_missing:
        return node
    for child in node.children:
        if child.has_error:
            found = _first_missing(child)
            if found is not None:
                return found
    return None
