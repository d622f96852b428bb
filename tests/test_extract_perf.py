"""Issue 10, performance: the import splice (ast, no libcst parse) gives the libcst transform's text.

Every case the splice handles is compared with the full transform's output, on hand-made sources
and on every file of the example monolith for several moves; the cases it does not handle must
fall back (None), never guess.
"""


import libcst as cst
import pytest
from conftest import REPO

from vsmctl.strangler.moves import Moves
from vsmctl.strangler.python.codemods import ImportRewriter
from vsmctl.strangler.python.import_splice import splice_imports

MOVES = Moves({"vsm.s3": "vsm_s3_control", "vsm.telemetry.metrics": "vsm_telemetry.metrics"})


def transform(source, moves, module, is_package=False, new_module=None):
    return cst.parse_module(source).visit(ImportRewriter(moves, module, is_package, new_module)).code


@pytest.mark.parametrize(("source", "module", "new_module"), [
    ("from vsm.s3.audit import Audit  # why\nx = 1\n", "vsm.api.handlers", None),
    ("from vsm.s3 import (\n    audit,  # a\n    control,\n)\n", "vsm.api.handlers", None),
    ("import vsm.s3.audit as a\nimport os, vsm.telemetry.metrics as m\n", "vsm.api", None),
    ("from . import allocation\nfrom .audit import Audit\nfrom ..s4 import forecast\n", "vsm.s3.control",
     "vsm_s3_control.control"),
    ("from ..telemetry.metrics import count\nfrom .. import app\n", "vsm.s3.control", "vsm_s3_control.control"),
    ("def f():\n    from vsm.s3.control import run\n    return run\n", "vsm.api.x", None),
    ("x = 'é'; from vsm.s3.audit import Audit\n", "vsm.api.x", None),
    ('"""Use it.\n\n    >>> from vsm.s3.audit import Audit\n"""\nimport os  # import vsm.s3.control first\n',
     "vsm.api.x", None),
])
def test_the_splice_gives_the_transform_text(source, module, new_module):
    spliced = splice_imports(source, MOVES, module, False, new_module or module)
    assert spliced is not None
    assert spliced == transform(source, MOVES, module, False, new_module)


@pytest.mark.parametrize("source", [
    "import vsm.s3.audit\nvsm.s3.audit.run()\n",  # attribute uses follow
    "from vsm import s3, api\n",  # the statement splits
    "mock.patch('vsm.s3.audit.run')\n",  # a string the transform rewrites
    "x = ('vsm.s3.audit' '.run')\n",  # implicit concatenation
])
def test_what_only_the_transform_does_falls_back(source):
    assert splice_imports(source, MOVES, "vsm.api.x", False, "vsm.api.x") is None


def test_a_package_whose_all_lists_no_moved_submodule_is_spliced():
    source = "from .s3.audit import Audit\nfrom . import api\n__all__ = ['Audit', 'api', 'x.s3']\n"
    spliced = splice_imports(source, MOVES, "vsm", True, "vsm")
    assert spliced is not None and "from vsm_s3_control.audit import Audit" in spliced
    assert spliced == transform(source, MOVES, "vsm", True, "vsm")


@pytest.mark.parametrize("source", [
    "from . import s3\n__all__ = ['api', 's3']\n",  # the transform binds s3 from its new home
    "from . import s3\nif True:\n    __all__ = ('s3',)\n",
])
def test_a_package_whose_all_lists_a_moved_submodule_falls_back(source):
    assert splice_imports(source, MOVES, "vsm", True, "vsm") is None
    assert "import vsm_s3_control as s3" in transform(source, MOVES, "vsm", True, "vsm")


def test_every_file_of_the_example_monolith_agrees():
    compared = 0
    for path in sorted((REPO / "examples" / "vsm_monolith").rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        rel = path.relative_to(REPO / "examples" / "vsm_monolith").with_suffix("")
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        module, is_package = ".".join(parts), rel.name == "__init__"
        new_module = MOVES.new_name(module) or module
        spliced = splice_imports(source, MOVES, module, is_package, new_module)
        if spliced is not None:
            assert spliced == transform(source, MOVES, module, is_package, new_module), path
            compared += 1
    assert compared > 20


BEFORE = '''
class Engine:
    """An engine."""

    def __init__(self, speed, *, name="e"):
        self.speed = speed
        self.name = name

    def run(self, steps, trace=False):
        for _ in range(steps):
            pass
        return self.speed


def helper(a, b=1):
    return a + b


LIMIT = 3
'''
AFTER = '''
class Engine:
    """An engine."""

    def __init__(self, speed, *, name="e"):
        self.speed = speed

    def run(self, steps, trace=False, *, depth):
        return steps * 2


LIMIT = 4
'''


def test_griffe_prunes_function_bodies_and_finds_the_same_breaking_changes(tmp_path, monkeypatch):
    """prune-source (a dependency, griffe's `faster` extra) is in use, and changes nothing the
    API comparison sees: an attribute set in __init__, a parameter, a removed function."""
    import griffe
    from griffe._internal.agents import parser

    assert parser.prune_source is not None
    for name, text in (("before", BEFORE), ("after", AFTER)):
        (tmp_path / name / "pkg").mkdir(parents=True)
        (tmp_path / name / "pkg" / "__init__.py").write_text(text)

    def changes():
        old, new = (griffe.load("pkg", search_paths=[tmp_path / side], try_relative_path=False)
                    for side in ("before", "after"))
        return sorted(f"{b.obj.path} {b.kind.value}" for b in griffe.find_breaking_changes(old, new))

    pruned = changes()
    monkeypatch.setattr(parser, "prune_source", None)
    assert pruned == changes()
    assert pruned == ["pkg.Engine.name Public object was removed", "pkg.Engine.run Parameter was added as required",
                      "pkg.helper Public object was removed"]


def test_scratch_writes_are_atomic_but_not_forced_to_disk(tmp_path, monkeypatch):
    import os

    from vsmctl.workspace import atomic_write_text, scratch_writes

    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(fd) or real_fsync(fd))
    atomic_write_text(tmp_path / "durable.txt", "a")
    assert len(synced) == 2  # the file, then its folder
    with scratch_writes():
        atomic_write_text(tmp_path / "scratch.txt", "b")
    assert len(synced) == 2
    atomic_write_text(tmp_path / "durable.txt", "c")  # durable again after the block
    assert len(synced) == 4
    assert sorted(p.name for p in tmp_path.iterdir()) == ["durable.txt", "scratch.txt"]
    assert (tmp_path / "scratch.txt").read_text() == "b"


def test_libraries_load_in_another_thread_and_are_there_after_the_block(tmp_path, monkeypatch):
    import sys
    import threading

    from vsmctl.strangler.background_imports import importing

    (tmp_path / "slow_library_for_test.py").write_text(
        "import threading, time\ntime.sleep(0.2)\nTHREAD = threading.current_thread().name\n")
    (tmp_path / "broken_library_for_test.py").write_text("raise ImportError('no')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with importing(["broken_library_for_test", "slow_library_for_test"]):
        assert threading.current_thread() is threading.main_thread()
    module = sys.modules.pop("slow_library_for_test")
    assert module.THREAD == "vsmctl-imports"
    assert "broken_library_for_test" not in sys.modules
