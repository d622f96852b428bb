"""The module graph on the example monolith and on small trees with the tangles that matter."""

import os
import time
from pathlib import Path

from conftest import EXAMPLE

from vsmctl.analysis.report import load_graph


def graph_of(path: Path, **kw):
    graph, _cached = load_graph(path, use_cache=False, **kw)
    return graph


def test_example_monolith_graph_has_every_tangle():
    graph = graph_of(EXAMPLE)
    assert len(graph.modules) == 53
    assert graph.engine == "grimp+ast"  # vsm/plugins has no __init__.py
    edges = graph.edges()
    kinds = {k: v[0].kind for k, v in edges.items()}
    assert kinds[("vsm.config.loader", "vsm.s5.policy")] == "function"
    assert kinds[("vsm.s2.coordination", "vsm.s3.control")] == "type_checking"
    assert kinds[("vsm.core.registry", "vsm.s1.units")] == "plain"
    # the namespace folder's modules are in the graph, with their imports
    assert graph.modules["vsm.plugins.audit_hooks"].namespace_folder
    assert ("vsm.plugins.audit_hooks", "vsm.s3.audit") in edges
    site = edges[("vsm.core.registry", "vsm.s1.units")][0]
    assert site.line == 10 and site.text == "from vsm.s1.units import OperationalUnit"


def test_imports_into_a_folder_without_init_are_found(tree):
    root = tree({
        "app/__init__.py": "",
        "app/main.py": "from app.plugins import extra\nimport app.plugins.more\n",
        "app/plugins/extra.py": "from ..main import run\n",
        "app/plugins/more.py": "X = 1\n",
    })
    graph = graph_of(root)
    edges = graph.edges()
    assert ("app.main", "app.plugins.extra") in edges
    assert ("app.main", "app.plugins.more") in edges
    assert ("app.plugins.extra", "app.main") in edges


def test_syntax_error_is_reported_and_the_rest_still_analyzed(tree):
    root = tree({
        "app/__init__.py": "",
        "app/a.py": "import app.b\n",
        "app/b.py": "x = 1\n",
        "app/broken.py": "import app.a\n\ndef oops(:\n    pass\n",
    })
    graph = graph_of(root)
    assert graph.engine == "ast"
    assert ("app.a", "app.b") in graph.edges()
    [problem] = graph.problems
    assert problem.kind == "syntax-error"
    assert problem.path == "app/broken.py" and problem.line == 3


def test_non_utf8_file_is_reported_unless_it_declares_its_encoding(tree):
    root = tree({
        "app/__init__.py": "",
        "app/latin.py": b"# -*- coding: latin-1 -*-\nimport app.other\nNAME = '\xe9t\xe9'\n",
        "app/raw.py": b"import app.other\nNAME = '\xff\xfe'\n",
        "app/other.py": "",
    })
    graph = graph_of(root)
    assert ("app.latin", "app.other") in graph.edges()
    assert [(p.path, p.kind) for p in graph.problems] == [("app/raw.py", "not-utf8")]


def test_several_top_level_packages_and_cross_imports(tree):
    root = tree({"one/__init__.py": "", "one/a.py": "from two import b\n", "two/__init__.py": "",
                 "two/b.py": "import one.a\n"})
    graph = graph_of(root)
    assert graph.top_packages == ("one", "two")
    assert {("one.a", "two.b"), ("two.b", "one.a")} <= set(graph.edges())


def test_cache_hit_and_invalidation(tree):
    root = tree({"app/__init__.py": "", "app/a.py": "import app.b\n", "app/b.py": ""})
    (root / ".git").mkdir()  # the workspace root, where .vsm/cache lives
    first, cached = load_graph(root)
    assert not cached
    again, cached = load_graph(root)
    assert cached and again == first
    assert (root / ".vsm" / "cache").is_dir() and (root / ".vsm" / ".gitignore").is_file()
    b = root / "app" / "b.py"
    b.write_text("import app.a\n")
    later = time.time() + 5
    os.utime(b, (later, later))
    changed, cached = load_graph(root)
    assert not cached
    assert ("app.b", "app.a") in changed.edges()


def test_grimp_scanner_road_and_public_road_agree():
    from vsmctl.analysis.python import graph_builder
    from vsmctl.analysis.python.discovery import discover

    tree = discover(EXAMPLE)
    with graph_builder._on_sys_path(tree.source_root, tree.packages):
        fast_sites, fast_modules = graph_builder._grimp_scan(tree)
        public_sites, public_modules = graph_builder._grimp_public(tree.packages, None)
    assert fast_modules == public_modules
    assert sorted(fast_sites, key=repr) == sorted(public_sites, key=repr)
