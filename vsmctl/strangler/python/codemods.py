"""Rewrite imports of moved modules, keeping formatting and comments (libcst).

One transform, `ImportRewriter`, configured by a `Moves` mapping (old dotted module -> new). It
handles `import a.b` (and the `a.b.f` uses it binds), `import a.b as c`, `from a import b`,
`from a.b import (x, y)`, relative imports inside and outside the moved code, and string
references (`mock.patch("a.b.f")`, `importlib.import_module("a.b")`): rewritten where the call
makes the meaning certain, reported where not. Each transform works on a source string in and
a source string out, so it is tested on strings.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import MetadataWrapper, PositionProvider

from vsmctl.strangler.moves import Moves
from vsmctl.strangler.python.import_splice import rewrite_import_text

# Calls whose string argument names a module or an attribute path: safe to rewrite.
CERTAIN_CALLS = {"patch", "mock.patch", "unittest.mock.patch", "import_module", "importlib.import_module",
                 "__import__", "patch.dict", "mock.patch.dict", "monkeypatch.setattr", "monkeypatch.delattr"}

# A string that is a reference and nothing else: an optional entry-point name (`cmd = `), a dotted
# path, an optional `:attr` (entry points, `uvicorn "a.b:app"`, `[extras]`).
REFERENCE = re.compile(r"^(?P<pre>\s*[\w.\-]+\s*=\s*)?(?P<name>[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)"
                       r"(?P<post>:[A-Za-z_][\w.]*(?:\s*\[[^\]]*\])?)?$")


@dataclass
class RewriteReport:
    changed: bool = False
    rewritten_strings: list[tuple[int, str, str]] = field(default_factory=list)  # (line, old, new)
    uncertain_strings: list[tuple[int, str]] = field(default_factory=list)  # (line, value)


def _dotted(name: str) -> cst.Attribute | cst.Name:
    parts = name.split(".")
    node: cst.Attribute | cst.Name = cst.Name(parts[0])
    for part in parts[1:]:
        node = cst.Attribute(value=node, attr=cst.Name(part))
    return node


def _resolve_relative(level: int, module: str | None, current: str, is_package: bool) -> str | None:
    package = current.split(".") if is_package else current.split(".")[:-1]
    keep = len(package) - (level - 1)
    if keep <= 0:
        return None
    base = package[:keep]
    return ".".join(base + ([module] if module else []))


class ImportRewriter(cst.CSTTransformer):
    def __init__(self, moves: Moves, module: str, is_package: bool = False,
                 new_module: str | None = None) -> None:
        super().__init__()
        self.moves = moves
        self.module = module  # where this file is now (its old name)
        self.is_package = is_package
        self.new_module = new_module or module  # where it will be after the move
        self.report = RewriteReport()
        self._attr_renames: dict[str, str] = {}  # `import a.b` bound a.b -> x.y
        self._calls: list[str | None] = []
        self._exported_moves: dict[str, str] = {}
        # strings naming moved modules, by their original node: their lines are looked up once,
        # after the transform, only when there are any (position metadata costs 3x a parse)
        self.strings: list[tuple[cst.SimpleString, str, str | None]] = []  # (node, value, new if rewritten)
        # framework registries: settings (UPPER_CASE module-level names) and `AppConfig.name`
        self._scopes: list[str] = []  # "def", "class", "appconfig"
        # per enclosing assignment: does its value name code for certain? (and the calls around it:
        # a string passed to a call inside the value is the call's business, not the registry's)
        self._registry: list[tuple[bool, int]] = []

    # --- import a.b / import a.b as c ---------------------------------------------------
    def leave_Import(self, original: cst.Import, updated: cst.Import) -> cst.Import:
        names = []
        changed = False
        for alias in updated.names:
            name = get_full_name_for_node(alias.name) or ""
            new = self.moves.new_name(name)
            if new is None:
                names.append(alias)
                continue
            changed = True
            if alias.asname is None:
                self._attr_renames[name] = new
            names.append(alias.with_changes(name=_dotted(new)))
        if not changed:
            return updated
        self.report.changed = True
        return updated.with_changes(names=names)

    # --- from X import names ----------------------------------------------------------------
    def leave_ImportFrom(self, original: cst.ImportFrom, updated: cst.ImportFrom
                         ) -> cst.ImportFrom | cst.FlattenSentinel[cst.BaseSmallStatement]:
        level = len(updated.relative)
        module_name = get_full_name_for_node(updated.module) if updated.module is not None else None
        base = _resolve_relative(level, module_name, self.module, self.is_package) if level else module_name or ""
        if base is None:
            return updated
        new_base = self.moves.new_name(base)
        if new_base is not None or (level and self.new_module != self.module):
            return self._set_base(updated, level, new_base or base)
        if isinstance(updated.names, cst.ImportStar):
            return updated
        # the base stays; some imported names may be moved submodules
        moved, kept = self._split_moved(updated.names, base)
        if not moved:
            return updated
        self.report.changed = True
        return self._regroup(updated, moved, kept)

    def _split_moved(self, names: Sequence[cst.ImportAlias], base: str
                     ) -> tuple[list[tuple[cst.ImportAlias, str]], list[cst.ImportAlias]]:
        moved: list[tuple[cst.ImportAlias, str]] = []
        kept: list[cst.ImportAlias] = []
        for alias in names:
            name = get_full_name_for_node(alias.name) or ""
            new = self.moves.new_name(f"{base}.{name}" if base else name)
            if new is None:
                kept.append(alias)
            else:
                moved.append((alias, new))
        return moved, kept

    @staticmethod
    def _by_parent(moved: list[tuple[cst.ImportAlias, str]]) -> dict[str, list[cst.ImportAlias]]:
        """Moved names grouped by their new parent module, each keeping its local name."""
        by_parent: dict[str, list[cst.ImportAlias]] = {}
        for alias, new in moved:
            parent, _, leaf = new.rpartition(".")
            local = (get_full_name_for_node(alias.asname.name) if alias.asname else
                     get_full_name_for_node(alias.name)) or leaf
            asname = None if local == leaf else cst.AsName(name=cst.Name(local))
            by_parent.setdefault(parent, []).append(cst.ImportAlias(name=cst.Name(leaf), asname=asname))
        return by_parent

    def _regroup(self, updated: cst.ImportFrom, moved: list[tuple[cst.ImportAlias, str]],
                 kept: list[cst.ImportAlias]) -> cst.ImportFrom | cst.FlattenSentinel[cst.BaseSmallStatement]:
        by_parent = self._by_parent(moved)
        names = updated.names
        assert not isinstance(names, cst.ImportStar)
        if not kept and len(by_parent) == 1 and "" not in by_parent:
            # one statement in, one out: keep its whitespace and comments
            parent, aliases = next(iter(by_parent.items()))
            if len(aliases) == len(names):
                aliases = [a.with_changes(comma=o.comma) for a, o in zip(aliases, names, strict=True)]
            return updated.with_changes(relative=[], module=_dotted(parent), names=aliases)
        statements: list[cst.BaseSmallStatement] = []
        if kept:
            kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            statements.append(updated.with_changes(names=kept, lpar=updated.lpar if len(kept) > 1 else None,
                                                   rpar=updated.rpar if len(kept) > 1 else None))
        for parent, aliases in by_parent.items():
            if parent:
                statements.append(cst.ImportFrom(module=_dotted(parent), names=aliases))
            else:  # moved to a top-level package: `import newpkg as sub`
                statements.extend(cst.Import(names=[a]) for a in aliases)
        return cst.FlattenSentinel(statements)

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
                                  ) -> cst.SimpleStatementLine | cst.FlattenSentinel[cst.SimpleStatementLine]:
        # an import split in two becomes two lines, not `a; b`
        if len(original.body) != 1 or len(updated.body) <= 1:
            return updated
        lines = []
        for i, statement in enumerate(updated.body):
            line = cst.SimpleStatementLine(body=[statement.with_changes(semicolon=cst.MaybeSentinel.DEFAULT)])
            if i == 0:
                line = line.with_changes(leading_lines=updated.leading_lines)
            if i == len(updated.body) - 1:
                line = line.with_changes(trailing_whitespace=updated.trailing_whitespace)
            lines.append(line)
        return cst.FlattenSentinel(lines)

    def _set_base(self, node: cst.ImportFrom, level: int, target: str) -> cst.ImportFrom:
        if level:
            # keep a relative import when the same dots still reach the same module
            again = _resolve_relative(level, get_full_name_for_node(node.module) if node.module else None,
                                      self.new_module, self.is_package)
            if again == target:
                return node
        self.report.changed = True
        return node.with_changes(relative=[], module=_dotted(target))

    # --- where a string is: settings and app registries name code for certain ------------------
    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        bases = [get_full_name_for_node(b.value) or "" for b in node.bases]
        self._scopes.append("appconfig" if any(b.endswith("AppConfig") for b in bases) else "class")

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
        self._scopes.pop()
        return updated

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._scopes.append("def")

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        self._scopes.pop()
        return updated

    def _is_registry(self, target: cst.BaseExpression) -> bool:
        name = get_full_name_for_node(target) or ""
        if not self._scopes:  # a settings module's INSTALLED_APPS, MIDDLEWARE, ROOT_URLCONF, ...
            parts = [part.lower() for part in self.module.split(".")]
            return name.isupper() and ("settings" in parts[-1] or "settings" in parts[:-1])
        return self._scopes[-1] == "appconfig" and name == "name"

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._registry.append((self._is_registry(node.target), len(self._calls)))

    def leave_AnnAssign(self, original: cst.AnnAssign, updated: cst.AnnAssign) -> cst.AnnAssign:
        self._registry.pop()
        return updated

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign) -> cst.Assign:
        self._registry.pop()
        return updated

    # --- __all__ naming submodules that moved away -------------------------------------------
    def visit_Assign(self, node: cst.Assign) -> None:
        self._registry.append((any(self._is_registry(t.target) for t in node.targets), len(self._calls)))
        self._note_all(node)

    def _note_all(self, node: cst.Assign) -> None:
        if not self.is_package or self.new_module != self.module:
            return
        if len(node.targets) != 1 or get_full_name_for_node(node.targets[0].target) != "__all__":
            return
        if isinstance(node.value, cst.List | cst.Tuple):
            for element in node.value.elements:
                if isinstance(element.value, cst.SimpleString):
                    name = element.value.evaluated_value
                    if isinstance(name, str):
                        new = self.moves.new_name(f"{self.module}.{name}")
                        if new is not None:
                            self._exported_moves[name] = new

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        """A package that exports a moved submodule in `__all__` binds it from its new home, so
        `from package import *` and `package.name` keep working without shims."""
        if not self._exported_moves:
            return updated
        body = list(updated.body)
        at = 0
        for i, statement in enumerate(body):
            if isinstance(statement, cst.SimpleStatementLine) and any(
                    isinstance(s, cst.Import | cst.ImportFrom) for s in statement.body):
                at = i + 1
        for name, new in sorted(self._exported_moves.items()):
            parent, _, leaf = new.rpartition(".")
            asname = None if leaf == name else cst.AsName(name=cst.Name(name))
            alias = cst.ImportAlias(name=cst.Name(leaf), asname=asname)
            binding: cst.BaseSmallStatement = (cst.ImportFrom(module=_dotted(parent), names=[alias]) if parent
                                               else cst.Import(names=[alias]))
            body.insert(at, cst.SimpleStatementLine(body=[binding]))
            at += 1
        self.report.changed = True
        return updated.with_changes(body=body)

    # --- a.b.f where `import a.b` was rewritten -----------------------------------------------
    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.BaseExpression:
        if not self._attr_renames:
            return updated
        name = get_full_name_for_node(updated)
        if name in self._attr_renames:
            new = _dotted(self._attr_renames[name])
            return new.with_changes(lpar=updated.lpar, rpar=updated.rpar)
        return updated

    # --- strings naming moved modules -------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        self._calls.append(get_full_name_for_node(node.func))

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        self._calls.pop()
        return updated

    def leave_Comment(self, original: cst.Comment, updated: cst.Comment) -> cst.Comment:
        new = rewrite_import_text(updated.value, self.moves)
        if new == updated.value:
            return updated
        self.report.changed = True
        return updated.with_changes(value=new)

    def leave_SimpleString(self, original: cst.SimpleString, updated: cst.SimpleString) -> cst.SimpleString:
        value = updated.evaluated_value
        if not isinstance(value, str) or "." not in value:
            return updated
        if "\n" in value or " " in value:  # prose: a docstring's code example follows the move
            shown = rewrite_import_text(updated.value, self.moves)
            if shown != updated.value:
                self.report.changed = True
                return updated.with_changes(value=shown)
        found = REFERENCE.match(value)
        if found is None:
            return updated
        moved = self.moves.new_name(found["name"])
        if moved is None:
            return updated
        new = f"{found['pre'] or ''}{moved}{found['post'] or ''}"
        certain = (bool(found["pre"] or found["post"]) or (self._calls and self._calls[-1] in CERTAIN_CALLS)
                   or (bool(self._registry) and self._registry[-1] == (True, len(self._calls))))
        if certain and "\\" not in updated.value and updated.quote not in new:
            self.strings.append((original, value, new))
            self.report.changed = True
            return updated.with_changes(value=f"{updated.prefix}{updated.quote}{new}{updated.quote}")
        self.strings.append((original, value, None))
        return updated


def rewrite_source(source: str, moves: Moves, module: str, is_package: bool = False,
                   new_module: str | None = None) -> tuple[str, RewriteReport]:
    """Source in, source out (unchanged text when nothing refers to the moved modules)."""
    if not _may_need_rewrite(source, moves, module, module != (new_module or module)):
        return source, RewriteReport()
    from vsmctl.strangler.python.import_splice import splice_imports

    spliced = splice_imports(source, moves, module, is_package, new_module or module)
    if spliced is not None:  # only import statements change: no libcst parse (10x slower)
        return spliced, RewriteReport(changed=spliced != source)
    rewriter = ImportRewriter(moves, module, is_package, new_module)
    tree = cst.parse_module(source)
    result = tree.visit(rewriter)
    _report_strings(tree, rewriter, source)
    if not rewriter.report.changed:
        return source, rewriter.report
    return result.code, rewriter.report


def _report_strings(tree: cst.Module, rewriter: ImportRewriter, source: str) -> None:
    """Each string's own line: two equal literals are reported at their two lines."""
    if not rewriter.strings:
        return
    lines = _string_lines(source, [value for _node, value, _new in rewriter.strings])
    if lines is None:  # libcst's PositionProvider on the unchanged tree: exact, but a whole codegen pass
        positions = MetadataWrapper(tree, unsafe_skip_copy=True).resolve(PositionProvider)
        lines = [positions[node].start.line if node in positions else 0 for node, _value, _new in rewriter.strings]
    for (_node, value, new), line in zip(rewriter.strings, lines, strict=True):
        if new is None:
            rewriter.report.uncertain_strings.append((line, value))
        else:
            rewriter.report.rewritten_strings.append((line, value, new))


def _string_lines(source: str, values: list[str]) -> list[int] | None:
    """The lines of the recorded strings (`values`, in the order libcst met them: source order),
    from the tokenizer: each plain string literal is one STRING token, as it is one SimpleString
    node. The k-th recorded string of a value is the k-th token of that value. None when the
    counts differ (a value made by implicit concatenation, escapes in the text), and libcst decides."""
    import io
    import tokenize
    from ast import literal_eval

    wanted = set(values)
    found: dict[str, list[int]] = {}
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type != tokenize.STRING or "." not in token.string:
                continue
            prefix = token.string[:token.string.index(token.string[-1])].lower()
            if "f" in prefix or "b" in prefix:
                continue
            value = literal_eval(token.string)
            if value in wanted:
                found.setdefault(value, []).append(token.start[0])
    except (tokenize.TokenError, SyntaxError, ValueError):
        return None
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    if any(len(found.get(value, ())) != count for value, count in counts.items()):
        return None
    taken: dict[str, int] = {}
    lines = []
    for value in values:
        index = taken.get(value, 0)
        taken[value] = index + 1
        lines.append(found[value][index])
    return lines


def _may_need_rewrite(source: str, moves: Moves, module: str, moving: bool) -> bool:
    """Whether parsing can change anything: the text names a moved module (or its parent, for
    `from parent import leaf`), or it has relative imports and moves, or lives in the same
    top-level package as moved code."""
    if ("from ." in source or "__all__" in source) and (
            moving or module.split(".")[0] in {o.split(".")[0] for o in moves.mapping}):
        return True
    return any(old in source or old.rpartition(".")[0] + " import" in source for old in moves.mapping)
