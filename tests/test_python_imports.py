import textwrap

from vsmctl.analysis.python.imports import classify_source, has_indented_import, resolve, scan_source


def lines(src: str) -> list[str]:
    return textwrap.dedent(src).lstrip("\n").splitlines()


def test_classify_plain_function_and_type_checking():
    src = lines('''
        import a
        from typing import TYPE_CHECKING
        if TYPE_CHECKING:
            import b
        else:
            import c
        def f():
            """Docstring
        at column zero
            """
            import d
        class K:
            import e
            def m(self):
                if True:
                    import f
        try:
            import g
        except ImportError:
            pass
        if typing.TYPE_CHECKING:  # comment
            import h
    ''')
    kinds = classify_source("\n".join(src), range(1, len(src) + 1))
    by_text = {src[n - 1].strip(): k for n, k in kinds.items() if src[n - 1].strip().startswith("import")}
    assert by_text == {
        "import a": "plain", "import b": "type_checking", "import c": "plain", "import d": "function",
        "import e": "plain", "import f": "function", "import g": "plain", "import h": "type_checking",
    }


def test_scan_resolves_relative_imports_and_kinds():
    src = textwrap.dedent('''
        from . import sibling
        from .. import top
        from ..other.mod import thing
        import pkg.deep.mod as alias
        from typing import TYPE_CHECKING
        if TYPE_CHECKING:
            from .typesonly import T
        def f():
            from pkg.lazy import x
    ''')
    raw = scan_source(src, "pkg.sub.here", is_package=False)
    got = [(r.candidates, r.kind) for r in raw]
    assert (("pkg.sub.sibling", "pkg.sub"), "plain") in got
    assert (("pkg.top", "pkg"), "plain") in got
    assert (("pkg.other.mod.thing", "pkg.other.mod"), "plain") in got
    assert (("pkg.deep.mod",), "plain") in got
    assert (("pkg.sub.typesonly.T", "pkg.sub.typesonly"), "type_checking") in got
    assert (("pkg.lazy.x", "pkg.lazy"), "function") in got


def test_relative_import_in_package_init():
    raw = scan_source("from .core import x\n", "pkg.sub", is_package=True)
    assert raw[0].candidates == ("pkg.sub.core.x", "pkg.sub.core")


def test_resolve_prefers_module_then_nearest_parent():
    modules = {"pkg", "pkg.a", "pkg.a.b"}
    assert resolve(("pkg.a.b",), modules) == "pkg.a.b"
    assert resolve(("pkg.a.func", "pkg.a"), modules) == "pkg.a"
    assert resolve(("pkg.a.b.c.d",), modules) == "pkg.a.b"
    assert resolve(("os.path",), modules) is None


def test_quotes_in_comments_and_strings_do_not_open_docstrings():
    src = "\n".join([
        "def f():",
        "    x = 'not a docstring: \"\"\" here'  # nor \"\"\" here",
        "    y = 1",
        "z = 2",
        "def g():",
        "    import inside",
    ])
    assert classify_source(src, [6]) == {6: "function"}


def test_indented_import_precheck():
    assert has_indented_import(b"def f():\n    import x\n")
    assert not has_indented_import(b"import x\nfrom y import z\n")
