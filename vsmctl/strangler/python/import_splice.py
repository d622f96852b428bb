"""The common case of an import rewrite without libcst: splice the new module name into the text.

Most files a move touches only need the module of some `from X import ...` (or `import X as y`)
changed, which keeps every other byte. `ast` (C speed) finds those statements and their places;
the module name is replaced in the text. Anything else (`import a.b` whose `a.b.f` uses follow it,
a statement that takes names from two new homes, strings that name moved code, a package's
`__all__` listing a submodule that moved) returns None: the caller runs the full libcst transform, which
handles every case. Both give the same text for what this handles (tests/test_extract_perf.py).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from typing import Any

from vsmctl.strangler.moves import Moves

_FROM = re.compile(r"from[ \t]+(\.*[ \t]*[\w.]*)[ \t]+import\b")
_REFERENCE_HINT = re.compile(r"^[A-Za-z_][\w.:= \-\[\]]*$")


def _prose_pattern(moves: Moves) -> re.Pattern[str]:
    names = "|".join(re.escape(old) for old in sorted(moves.mapping, key=len, reverse=True))
    name, name2 = (rf"(?P<{group}>(?:{names})(?:\.\w+)*)" for group in ("name", "name2"))
    line_start = r"(?:^|(?<=\n)|(?<=>>> )|(?<=\.\.\. )|(?<=# ))"
    return re.compile(rf"(?P<from>\bfrom[ \t]+){name}(?=[ \t]+import\b)|"
                      rf"(?P<import>{line_start}[ \t]*import[ \t]+){name2}(?![\w.])")


def rewrite_import_text(text: str, moves: Moves) -> str:
    """Import statements written in prose (a docstring's example, a comment, `>>> import a.b`)
    pointed at the new home: the code they show is code that must follow the move."""
    if not any(old in text for old in moves.mapping):
        return text

    def new(found: re.Match[str]) -> str:
        prefix = found["from"] if found["from"] is not None else found["import"]
        name = found["name"] if found["name"] is not None else found["name2"]
        return prefix + (moves.new_name(name) or name)

    return _prose_pattern(moves).sub(new, text)


def _resolve_relative(level: int, module: str | None, current: str, is_package: bool) -> str | None:
    package = current.split(".") if is_package else current.split(".")[:-1]
    keep = len(package) - (level - 1)
    if keep <= 0:
        return None
    return ".".join(package[:keep] + ([module] if module else []))


def _literals(text: str) -> int:
    """How many string literals a string expression's text is made of (implicit concatenation)."""
    import io
    import tokenize

    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return 0
    # Python 3.12 tokenizes f-strings in parts: count their starts too
    kinds = {tokenize.STRING, getattr(tokenize, "FSTRING_START", tokenize.STRING)}
    return sum(1 for t in tokens if t.type in kinds)


class _Fallback(Exception):
    """Something only the libcst transform handles."""


class _Splicer:
    def __init__(self, source: str, moves: Moves, module: str, is_package: bool, new_module: str) -> None:
        self.source, self.moves, self.module, self.is_package, self.new_module = (
            source, moves, module, is_package, new_module)
        self.lines = source.splitlines(keepends=True)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))
        self.edits: list[tuple[int, int, str]] = []  # (start, end, text) in the source string

    def offset(self, lineno: int, col: int) -> int:
        line = self.lines[lineno - 1]
        return self.starts[lineno - 1] + len(line.encode("utf-8")[:col].decode("utf-8", errors="replace"))

    def segment(self, node: ast.stmt | ast.expr) -> tuple[int, str]:
        assert node.end_lineno is not None and node.end_col_offset is not None
        start = self.offset(node.lineno, node.col_offset)
        return start, self.source[start:self.offset(node.end_lineno, node.end_col_offset)]

    def import_from(self, node: ast.ImportFrom) -> None:
        base = (_resolve_relative(node.level, node.module, self.module, self.is_package) if node.level
                else node.module or "")
        if base is None:
            return
        new_base = self.moves.new_name(base)
        if new_base is not None or (node.level and self.new_module != self.module):
            target = new_base or base
            if node.level and _resolve_relative(node.level, node.module, self.new_module, self.is_package) == target:
                return  # the same dots still reach the same module
            start, text = self.segment(node)
            found = _FROM.match(text)
            if found is None:
                raise _Fallback
            self.edits.append((start + found.start(1), start + found.end(1), target))
            return
        if any(a.name != "*" and self.moves.new_name(f"{base}.{a.name}" if base else a.name) for a in node.names):
            raise _Fallback  # names of the base moved away: the statement splits

    def import_(self, node: ast.Import) -> None:
        for alias in node.names:
            new = self.moves.new_name(alias.name)
            if new is None:
                continue
            if alias.asname is None:
                raise _Fallback  # `a.b.f` uses follow the rename
            start, text = self.segment(node)
            spans = [m for m in re.finditer(rf"(?<![\w.]){re.escape(alias.name)}(?![\w.])", text)]
            if len(spans) != 1:
                raise _Fallback
            self.edits.append((start + spans[0].start(), start + spans[0].end(), new))

    def string(self, node: ast.Constant) -> None:
        value = node.value
        if not isinstance(value, str) or "." not in value or not any(old in value for old in self.moves.mapping):
            return
        if _REFERENCE_HINT.match(value):
            from vsmctl.strangler.python.codemods import REFERENCE

            found = REFERENCE.match(value)
            if found is not None and self.moves.new_name(found["name"]) is not None:
                raise _Fallback  # rewritten or reported by the transform
        if _literals(self.segment(node)[1]) != 1:
            raise _Fallback  # "a.b" "c": the transform judges each part on its own

    def exports(self, node: ast.Assign) -> None:
        """A package whose `__all__` lists a submodule that moves away gains an import binding it
        from its new home: the transform writes that (any string element counts, as the
        transform's list may read it)."""
        if len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name) or node.targets[0].id != "__all__":
            return
        if not isinstance(node.value, ast.List | ast.Tuple):
            return
        for element in node.value.elts:
            if (isinstance(element, ast.Constant) and isinstance(element.value, str)
                    and self.moves.new_name(f"{self.module}.{element.value}") is not None):
                raise _Fallback

    def constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str):
            self.string(node)

    def run(self) -> str:
        # one dict lookup a node rather than a chain of isinstance checks: most nodes are none of these
        handlers: dict[type[ast.AST], Callable[[Any], None]] = {
            ast.ImportFrom: self.import_from, ast.Import: self.import_, ast.Constant: self.constant}
        if self.is_package and self.new_module == self.module:
            handlers[ast.Assign] = self.exports
        for node in _nodes(ast.parse(self.source)):
            handler = handlers.get(type(node))
            if handler is not None:
                handler(node)
        out = self.source
        for start, end, text in sorted(self.edits, reverse=True):
            out = out[:start] + text + out[end:]
        # imports shown in docstrings and comments, as the transform rewrites them (`>>> from a.b import`)
        return rewrite_import_text(out, self.moves)


def _nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node of the tree, as ast.walk gives them but in a list, without its nested
    generators (a move parses and walks every moved file and importer: a quarter faster)."""
    nodes = [tree]
    i = 0
    while i < len(nodes):
        node = nodes[i]
        i += 1
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, list):
                nodes.extend(item for item in value if isinstance(item, ast.AST))
            elif isinstance(value, ast.AST):
                nodes.append(value)
    return nodes


def splice_imports(source: str, moves: Moves, module: str, is_package: bool, new_module: str) -> str | None:
    """The rewritten source, or None when only the libcst transform can do it."""
    try:
        return _Splicer(source, moves, module, is_package, new_module).run()
    except (_Fallback, SyntaxError, ValueError, UnicodeError):
        return None
