"""The flags client vendored into an extracted package, for its facades (branch by abstraction).

A facade in the monolith must route without vsmctl installed (vsmctl is a CLI with typer, libcst,
...): the standard-library client (`vsmctl.flags`: Flags, bucketing, the targeting key) is copied
into the new package as `<package>._vsmctl_flags`, its imports pointed at the copy by the same
codemod that moves code. The monolith already depends on the new package (scaffold), so the
dependency is declared and installs alone.
"""

from __future__ import annotations

from pathlib import Path

from vsmctl.strangler.moves import Moves
from vsmctl.strangler.plan import ExtractionPlan
from vsmctl.strangler.python.codemods import rewrite_source
from vsmctl.workspace import atomic_write_text

RUNTIME_FILES = {"flags/__init__.py": "__init__.py", "flags/client.py": "client.py",
                 "flags/evaluation.py": "evaluation.py", "flags/model.py": "model.py",
                 "flags/bucketing.py": "bucketing.py", "flags/targeting.py": "targeting.py",
                 "flags/redis_channel.py": "redis_channel.py", "locate.py": "locate.py", "log_once.py": "log_once.py"}
HEADER = "# Vendored from vsmctl.{module} by `vsmctl extract --via abstraction` (the flags client, stdlib only).\n"


def vendored_module(plan: ExtractionPlan) -> str:
    return f"{plan.import_name}._vsmctl_flags"


def vendor_flags_client(tree: Path, plan: ExtractionPlan) -> list[str]:
    """Write the client into the new package; the written files (relative to the tree)."""
    import vsmctl

    source = Path(vsmctl.__file__).parent
    target = vendored_module(plan)
    moves = Moves({"vsmctl.flags": target, "vsmctl.locate": f"{target}.locate",
                   "vsmctl.log_once": f"{target}.log_once"})
    folder = tree / plan.package_dir / plan.import_name / "_vsmctl_flags"
    written = []
    for rel, name in sorted(RUNTIME_FILES.items()):
        module = "vsmctl." + rel[:-3].replace("/", ".").removesuffix(".__init__")
        text, _ = rewrite_source((source / rel).read_text(encoding="utf-8"), moves, module,
                                 rel.endswith("__init__.py"), module)
        atomic_write_text(folder / name, HEADER.format(module=module[len("vsmctl."):]) + text)
        written.append((folder / name).relative_to(tree).as_posix())
    return written
