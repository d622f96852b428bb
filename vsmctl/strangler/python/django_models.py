"""Django models in the code to extract, found from the source alone (`ast`; no Django needed).

Branch by abstraction keeps the old code and a copy side by side and routes between them. Django
cannot have that for models: its app registry holds one model class per (app_label, name), so the
copy's `EmailDevice` either clashes with the monolith's ("Conflicting 'emaildevice' models",
reverse accessors that clash) or, under another app label, is another table with its own
migrations. An explicit `Meta.app_label` does not help. Such a package moves with the strangler fig.
"""

from __future__ import annotations

import ast
from pathlib import Path

from vsmctl.strangler.plan import ExtractionPlan

RELATIONS = {"ForeignKey", "OneToOneField", "ManyToManyField", "GenericForeignKey"}


def _bindings(module: ast.Module) -> tuple[set[str], set[str]]:
    """(names bound to `django.db.models`, names bound to its `Model` class) by the module's imports."""
    modules, classes = set(), set()
    for node in ast.walk(module):
        if isinstance(node, ast.ImportFrom) and node.module == "django.db" and not node.level:
            modules |= {a.asname or a.name for a in node.names if a.name == "models"}
        elif isinstance(node, ast.ImportFrom) and node.module == "django.db.models" and not node.level:
            classes |= {a.asname or a.name for a in node.names if a.name == "Model"}
        elif isinstance(node, ast.Import):
            modules |= {a.asname for a in node.names if a.name == "django.db.models" and a.asname}
    return modules, classes


def _is_models_attr(node: ast.expr, modules: set[str]) -> str | None:
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules:
        return node.attr
    return None


def _abstract(cls: ast.ClassDef) -> bool:
    for meta in (n for n in cls.body if isinstance(n, ast.ClassDef) and n.name == "Meta"):
        for assign in (n for n in meta.body if isinstance(n, ast.Assign)):
            if any(isinstance(t, ast.Name) and t.id == "abstract" for t in assign.targets) and \
                    isinstance(assign.value, ast.Constant) and assign.value.value is True:
                return True
    return False


def _is_model(cls: ast.ClassDef, modules: set[str], classes: set[str]) -> bool:
    """A base that is `models.Model`, or a field declared in the class body (`x = models.EmailField()`:
    a model derived from another package's model, as django-otp's devices are)."""
    if any(_is_models_attr(b, modules) == "Model" or (isinstance(b, ast.Name) and b.id in classes)
           for b in cls.bases):
        return True
    for node in cls.body:
        value = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None
        if isinstance(value, ast.Call):
            attr = _is_models_attr(value.func, modules) or ""
            if attr.endswith("Field") or attr in RELATIONS:
                return True
    return False


def concrete_models(tree: Path, plan: ExtractionPlan) -> list[str]:
    """The dotted names of the non-abstract Django models the moved modules define, and the
    migrations that create models (a package whose models come from elsewhere still owns tables)."""
    found = []
    for f in plan.files:
        try:
            module = ast.parse((tree / f.old_path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
            continue
        modules, classes = _bindings(module)
        if not modules and not classes:
            continue
        found += [f"{f.old_module}.{node.name}" for node in module.body if isinstance(node, ast.ClassDef)
                  and _is_model(node, modules, classes) and not _abstract(node)]
    if not found:
        found = [old for old, _ in plan.data_files if "/migrations/" in old and old.endswith(".py")
                 and "CreateModel(" in _text(tree / old)]
    return found


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def abstraction_refusal(tree: Path, plan: ExtractionPlan) -> str | None:
    """One line saying why branch by abstraction cannot serve this package, or None."""
    models = concrete_models(tree, plan)
    if not models:
        return None
    shown = ", ".join(models[:3]) + (f" and {len(models) - 3} more" if len(models) > 3 else "")
    return (f"{plan.package}: branch by abstraction cannot serve Django models from two places ({shown}: Django "
            f"registers one model per app and table, so the copy's would clash with the monolith's); extract it "
            f"with --via strangler")
