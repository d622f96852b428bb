"""The import codemod on every import form, and move-then-move-back gives the original source."""

import textwrap

import libcst
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vsmctl.strangler.moves import Moves
from vsmctl.strangler.python.codemods import rewrite_source

MOVES = Moves({"vsm.s3": "vsm_s3_control", "vsm.telemetry.metrics": "vsm_telemetry.metrics"})


def rewrite(src, module="vsm.app", is_package=False, new_module=None):
    out, report = rewrite_source(textwrap.dedent(src).lstrip("\n"), MOVES, module, is_package, new_module)
    return out, report


@pytest.mark.parametrize(("before", "after"), [
    ("import vsm.s3.audit\nvsm.s3.audit.Audit()\n", "import vsm_s3_control.audit\nvsm_s3_control.audit.Audit()\n"),
    ("import vsm.s3.audit as a  # the audit\n", "import vsm_s3_control.audit as a  # the audit\n"),
    ("from vsm.s3 import audit\n", "from vsm_s3_control import audit\n"),
    ("from vsm import s3\n", "import vsm_s3_control as s3\n"),
    ("from vsm.s3.control import (\n    Control,  # the class\n    X,\n)\n",
     "from vsm_s3_control.control import (\n    Control,  # the class\n    X,\n)\n"),
    ("from vsm.telemetry import metrics, collector\n",
     "from vsm.telemetry import collector\nfrom vsm_telemetry import metrics\n"),
    ("from vsm.telemetry.metrics import *\n", "from vsm_telemetry.metrics import *\n"),
    ("import os, vsm.s3.allocation\n", "import os, vsm_s3_control.allocation\n"),
    ("def f():\n    from vsm.s3.audit import Audit\n    return Audit\n",
     "def f():\n    from vsm_s3_control.audit import Audit\n    return Audit\n"),
])
def test_import_forms(before, after):
    out, _ = rewrite(before)
    assert out == after


def test_relative_imports_outside_the_moved_code():
    out, _ = rewrite("from .s3 import audit\nfrom .telemetry import metrics\nfrom . import app\n", module="vsm",
                     is_package=True)
    assert out == "from vsm_s3_control import audit\nfrom vsm_telemetry import metrics\nfrom . import app\n"


def test_relative_imports_inside_the_moved_code():
    src = "from . import allocation\nfrom .audit import Audit\nfrom ..s4 import forecast\nfrom .. import app\n"
    out, _ = rewrite(src, module="vsm.s3.control", new_module="vsm_s3_control.control")
    # siblings that moved along stay relative; what stayed behind becomes absolute
    assert out == ("from . import allocation\nfrom .audit import Audit\nfrom vsm.s4 import forecast\n"
                   "from vsm import app\n")


def test_string_references_rewritten_where_certain_and_reported_where_not():
    src = ('from unittest import mock\n'
           'with mock.patch("vsm.s3.audit.forecast"):\n    pass\n'
           'importlib.import_module("vsm.s3.control")\n'
           'PLUGINS = ["vsm.s3.allocation"]\n')
    out, report = rewrite(src)
    assert 'mock.patch("vsm_s3_control.audit.forecast")' in out
    assert 'import_module("vsm_s3_control.control")' in out
    assert 'PLUGINS = ["vsm.s3.allocation"]' in out
    assert report.uncertain_strings == [(5, "vsm.s3.allocation")]
    assert [(line, old) for line, old, _ in report.rewritten_strings] == [(2, "vsm.s3.audit.forecast"),
                                                                         (4, "vsm.s3.control")]


def test_untouched_source_is_returned_as_is():
    src = "import os\nfrom vsm.s4 import forecast  # not moved\n"
    out, report = rewrite(src)
    assert out == src and not report.changed


WORDS = ["alpha", "beta", "gamma", "delta", "omega", "kappa", "sigma", "zeta"]
names = st.sampled_from(WORDS)


@st.composite
def moves_and_source(draw):
    old = f"old.{draw(names)}"
    new = f"fresh_{draw(names)}.{draw(names)}"
    leaf = old.rsplit(".", 1)[1]
    sub = draw(names)
    alias = draw(st.sampled_from(["c", "mod", "z"]))
    imported = draw(st.lists(st.sampled_from(["Thing", "run", "VALUE", "helper"]), min_size=1, max_size=3,
                             unique=True))
    forms = [
        f"import {old}\nprint({old}.attr)\n",
        f"import {old}.{sub} as {alias}  # note\n",
        f"from {old} import ({', '.join(imported)})\n",
        f"from {old}.{sub} import {imported[0]}\n",
        f"from old import {leaf}\n",
        f"from old import {leaf} as {alias}\n",
        "def f(x):\n" + f"    from {old} import {imported[0]}  # lazy\n    return x\n",
        f'patch("{old}.{sub}.attr")\n',
    ]
    chosen = draw(st.lists(st.sampled_from(forms), min_size=1, max_size=5))
    return Moves({old: new}), "".join(chosen)


@settings(max_examples=150, deadline=None)
@given(moves_and_source())
def test_move_and_move_back_gives_the_original(case):
    moves, source = case
    moved, _ = rewrite_source(source, moves, "app.main")
    libcst.parse_module(moved)  # still valid Python
    back, _ = rewrite_source(moved, moves.reversed(), "app.main")
    assert back == source


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(WORDS), st.sampled_from(WORDS))
def test_relative_imports_in_moved_code_survive_the_round_trip(a, b):
    moves = Moves({"old.pkg": f"fresh_{a}"})
    source = f"from . import {b}\nfrom .{b} import thing\nfrom ..other import x\n"
    moved, _ = rewrite_source(source, moves, "old.pkg.mod", new_module=f"fresh_{a}.mod")
    assert moved.startswith(f"from . import {b}\nfrom .{b} import thing\n")
    back, _ = rewrite_source(moved, moves.reversed(), f"fresh_{a}.mod", new_module="old.pkg.mod")
    # `..other` became absolute on the way out (its target stayed behind); everything else is as it was
    assert back == source.replace("from ..other import x", "from old.other import x")


def test_all_naming_a_moved_submodule_binds_it_from_its_new_home():
    src = '"""The package."""\nfrom . import events\n\n__all__ = ["events", "metrics"]\n'
    out, _ = rewrite(src, module="vsm.telemetry", is_package=True)
    assert out == ('"""The package."""\nfrom . import events\nfrom vsm_telemetry import metrics\n\n'
                   '__all__ = ["events", "metrics"]\n')


def test_equal_string_literals_are_reported_at_their_own_lines():
    src = 'import os\nA = "vsm.s3.audit"\n\n\nB = "vsm.s3.audit"\npatch("vsm.s3.audit")\n'
    out, report = rewrite_source(src, MOVES, "vsm.app")
    assert report.uncertain_strings == [(2, "vsm.s3.audit"), (5, "vsm.s3.audit")]
    assert report.rewritten_strings == [(6, "vsm.s3.audit", "vsm_s3_control.audit")]
    assert out.endswith('patch("vsm_s3_control.audit")\n')


def test_string_lines_come_from_the_tokens_and_give_way_to_libcst_when_they_cannot_be_matched():
    from vsmctl.strangler.python.codemods import _string_lines

    source = 'x = "a.b"\ny = f"a.b"\nz = b"a.b"\nw = """a.b"""\n'
    assert _string_lines(source, ["a.b", "a.b"]) == [1, 4]  # f-strings and bytes are not SimpleStrings
    assert _string_lines('x = ("a." "b")\n', ["a."]) == [1]  # each literal of a concatenation
    assert _string_lines('x = "a\\x2eb"\n', ["a.b"]) is None  # an escape hides the dot: libcst decides
    assert _string_lines('x = "a.b"\n', ["a.b", "a.b"]) is None  # counts differ
