"""Which names the rest of the monolith uses from each module (libcst scope analysis)."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import MetadataWrapper, ScopeProvider

from vsmctl.strangler.plan import ExtractionPlan, module_of_file


def _module_names(plan: ExtractionPlan) -> set[str]:
    return {f.old_module for f in plan.files}


def used_names(tree: Path, plan: ExtractionPlan, files: list[str]) -> dict[str, list[str]]:
    """old module -> sorted names that `files` take from it: `from m import a`, and `m.a` where
    `import m` (or `from parent import m`) binds it, found through each binding's references."""
    modules = _module_names(plan)
    found: dict[str, set[str]] = {m: set() for m in modules}
    for rel in files:
        try:
            source = (tree / rel).read_text(encoding="utf-8")
            wrapper = MetadataWrapper(cst.parse_module(source))
        except Exception:
            continue
        here = module_of_file(plan, rel)
        scopes = wrapper.resolve(ScopeProvider)
        module_bindings: dict[str, str] = {}  # local name -> module it binds
        wrapper.module.visit(_Imports(modules, found, module_bindings, here))
        # accesses `alias.attr` of names bound to a module object
        for scope in {s for s in scopes.values() if s is not None}:
            for name, module in module_bindings.items():
                for assignment in scope.assignments[name]:
                    for ref in assignment.references:
                        parent = _parent_attribute(wrapper, ref.node)
                        if parent is not None:
                            found[module].add(parent)
    return {m: sorted(v) for m, v in found.items()}


class _Imports(cst.CSTVisitor):
    def __init__(self, modules: set[str], found: dict[str, set[str]], bindings: dict[str, str],
                 here: tuple[str, bool] | None) -> None:
        self.modules, self.found, self.bindings, self.here = modules, found, bindings, here

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            name = get_full_name_for_node(alias.name) or ""
            if name in self.modules:
                local = get_full_name_for_node(alias.asname.name) if alias.asname else name
                if local:
                    self.bindings[local] = name

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        base = get_full_name_for_node(node.module) if node.module else ""
        if node.relative and self.here is not None:
            module, is_package = self.here
            package = module.split(".") if is_package else module.split(".")[:-1]
            keep = len(package) - (len(node.relative) - 1)
            base = ".".join(package[:keep] + ([base] if base else []))
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            name = get_full_name_for_node(alias.name) or ""
            full = f"{base}.{name}" if base else name
            local = get_full_name_for_node(alias.asname.name) if alias.asname else name
            if full in self.modules and local:
                self.bindings[local] = full  # a module bound by `from parent import module`
            elif base in self.modules:
                self.found[base].add(name)


def _parent_attribute(wrapper: MetadataWrapper, node: cst.CSTNode) -> str | None:
    from libcst.metadata import ParentNodeProvider

    parents = wrapper.resolve(ParentNodeProvider)
    parent = parents.get(node)
    if isinstance(parent, cst.Attribute) and parent.value is node:
        return parent.attr.value
    return None
