"""The plan's graph (`load_graph_into`): only the imports into some modules, from only the files
that can import them, and exactly the sites the whole graph has into those modules."""

from pathlib import Path

import pytest
from conftest import EXAMPLE

from vsmctl.analysis.report import load_graph, load_graph_into


def _agree(root: Path, targets: set[str], whole=None):
    whole = whole or load_graph(root, use_cache=False)[0]
    partial = load_graph_into(root, lambda names: {n for n in names if n in targets})
    assert partial.modules == whole.modules
    assert partial.imports == tuple(s for s in whole.imports if s.imported in targets)
    return whole, partial


def _subtrees(names) -> list[set[str]]:
    """Every module alone, and every package with all that is below it."""
    out = [{n} for n in names]
    out += [{m for m in names if m == n or m.startswith(n + ".")} for n in names]
    return out


def test_every_module_and_package_of_the_example_monolith():
    whole, _ = load_graph(EXAMPLE, use_cache=False)
    for targets in _subtrees(sorted(whole.modules)):
        _agree(EXAMPLE, targets, whole)


TANGLED = {
    "app/__init__.py": "from . import core\n",
    "app/core/__init__.py": "from .engine import run\n",
    "app/core/engine.py": "from . import helpers\nfrom .. import util\n\ndef run():\n    from .helpers import h\n",
    "app/core/helpers.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from app.core import engine\n",
    "app/util.py": "from app import (\n    core,\n)\n",
    "app/web/__init__.py": "",
    "app/web/views.py": "from ..core.engine import run\nfrom ..core import helpers as h\nimport app.core\n",
    "app/web/more.py": "from .. import core\n",
    "app/other.py": "import json\nX = 'core'\n",
    "app/plugins/extra.py": "from app.core import engine\n",  # a folder without __init__.py
    "app/plugins/solo.py": "from ..core.helpers import h\n",
}


@pytest.mark.parametrize("targets", [
    {"app.core", "app.core.engine", "app.core.helpers"},
    {"app.core.engine"},
    {"app.core.helpers"},
    {"app.core"},
    {"app.plugins.extra"},
    {"app.util", "app.web.views"},
])
def test_relative_imports_folders_without_init_and_kinds(tree, targets):
    _agree(tree(TANGLED), targets)


def test_a_file_that_cannot_import_the_modules_is_not_read(tree):
    """A syntax error elsewhere sends the whole graph to our own scanner; the plan's graph never
    reads that file, and finds the same imports."""
    root = tree({**TANGLED, "app/broken.py": "import app.util\n\ndef oops(:\n    pass\n"})
    whole, partial = _agree(root, {"app.core", "app.core.engine", "app.core.helpers"})
    assert whole.engine == "ast" and partial.engine.startswith("grimp")
    assert [p.path for p in whole.problems] == ["app/broken.py"] and not partial.problems
