"""Python import statements: the kind of each (plain, function-level, TYPE_CHECKING) and a
fallback scanner for the files grimp cannot read.

Kinds come from the lines above an import, not from a parse: grimp already told us where the
imports are, and re-parsing every file would cost more than grimp's whole build.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Container, Iterable
from dataclasses import dataclass

from vsmctl.analysis.model import FUNCTION, PLAIN, TYPE_CHECKING

# An indented `import`/`from` statement. Matching from the newline (rather than `^` with
# MULTILINE) lets the regex engine skip ahead: three times faster over a large tree.
_INDENTED_IMPORT = re.compile(rb"\n[ \t]+(?:import|from)[ \t]")


def has_indented_import(data: bytes) -> bool:
    """Cheap pre-check: files without one have only plain imports and need no classification."""
    return _INDENTED_IMPORT.search(data) is not None


_BLOCK_WORDS = ("if", "elif", "else", "for", "while", "try", "except", "finally", "with", "class",
                "match", "case", "async")


def classify_source(text: str, line_numbers: Iterable[int]) -> dict[int, str]:
    """Map each import line number (1-based) to its kind, from the enclosing blocks above it.

    From each indented import, walk up through the lines indented less: a `def` makes it
    function-level, an `if TYPE_CHECKING:` type-checking only; another block header (a keyword
    line ending in a colon) is stepped over. Any other line indented less cannot enclose the
    import (the text of a string, a continuation line) and is ignored. No parse is needed:
    imports sit near the top of their block, so the walk is short.
    """
    lines = text.splitlines()
    wanted = sorted(set(line_numbers))
    result = dict.fromkeys(wanted, PLAIN)
    for n in wanted:
        if not 0 < n <= len(lines) or lines[n - 1][:1] not in (" ", "\t"):
            continue
        line = lines[n - 1]
        current = len(line) - len(line.lstrip())
        for i in range(n - 2, -1, -1):
            row = lines[i]
            stripped = row.lstrip()
            if not stripped or stripped[0] == "#":
                continue
            indent = len(row) - len(stripped)
            if indent >= current:
                continue
            if stripped.startswith(("def ", "async def ")):
                result[n] = FUNCTION
                break
            code = stripped.split("#", 1)[0].rstrip()
            word = code.split(None, 1)[0].rstrip(":") if code else ""
            if word not in _BLOCK_WORDS or not code.endswith(":"):
                continue
            if word in ("if", "elif") and "TYPE_CHECKING" in code:
                result[n] = TYPE_CHECKING
                break
            current = indent
            if indent == 0:
                break
    return result


@dataclass(frozen=True)
class RawImport:
    """One imported name as written: `candidates` are tried in order against the known modules."""

    candidates: tuple[str, ...]
    line: int
    kind: str


class ScanError(Exception):
    def __init__(self, kind: str, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.line = line


def decode_source(data: bytes) -> str:
    """Decode as Python does: UTF-8 unless a coding cookie says otherwise."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError) as exc:
        raise ScanError("not-utf8", f"not UTF-8 and no valid coding declaration ({exc})") from None


def scan_source(source: str, module: str, is_package: bool) -> list[RawImport]:
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise ScanError("syntax-error", f"syntax error: {exc.msg}", exc.lineno) from None
    except ValueError as exc:  # e.g. NUL bytes
        raise ScanError("syntax-error", f"cannot parse: {exc}") from None
    out: list[RawImport] = []
    package_parts = module.split(".") if is_package else module.split(".")[:-1]

    def visit(node: ast.AST, kind: str) -> None:
        for child in ast.iter_child_nodes(node):
            child_kind = kind
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                child_kind = FUNCTION if kind == PLAIN else kind
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                for stmt in child.body:
                    visit_stmt(stmt, TYPE_CHECKING)
                for stmt in child.orelse:
                    visit_stmt(stmt, kind)
                continue
            visit_stmt(child, child_kind)

    def visit_stmt(node: ast.AST, kind: str) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                out.append(RawImport((alias.name,), node.lineno, kind))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                keep = len(package_parts) - (node.level - 1)
                if keep <= 0:
                    return  # beyond the top-level package: Python would fail too
                base = ".".join(package_parts[:keep] + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            for alias in node.names:
                names = (f"{base}.{alias.name}", base) if alias.name != "*" else (base,)
                out.append(RawImport(names, node.lineno, kind))
        else:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and kind == PLAIN:
                kind = FUNCTION
            visit(node, kind)

    visit(tree, PLAIN)
    return out


def _is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def resolve(candidates: tuple[str, ...], modules: Container[str]) -> str | None:
    """The module an import binds: the first candidate, or its nearest enclosing module, that exists."""
    first = candidates[0]
    if first in modules:
        return first
    for candidate in candidates[1:]:
        if candidate in modules:
            return candidate
    parts = candidates[-1].split(".")
    while parts:
        name = ".".join(parts)
        if name in modules:
            return name
        parts.pop()
    return None
