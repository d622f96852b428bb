"""Work done while git checks out the worktree is used only for byte-identical input."""

from pathlib import Path

import pytest

from vsmctl.strangler.moves import Moves
from vsmctl.strangler.plan import ExtractionPlan, MovedFile
from vsmctl.strangler.python import codemods, rewrite_memo
from vsmctl.strangler.python.codemods import rewrite_source

MOVES = Moves({"app.billing": "app_billing"})
IMPORTER = "from app.billing import invoice\n\nprint(invoice.total('app.billing.invoice'))\n"


def _plan(mode: str = "strangler") -> ExtractionPlan:
    moved = MovedFile("app/billing/__init__.py", "packages/app-billing/app_billing/__init__.py", "app.billing",
                      "app_billing", True)
    return ExtractionPlan("app-billing", "app_billing", "packages/app-billing", ".", MOVES, (moved,),
                          ("app/main.py",), mode, "extract.app-billing")


def _checkout(tmp_path: Path) -> Path:
    (tmp_path / "app" / "billing").mkdir(parents=True)
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "billing" / "__init__.py").write_text("from app.billing.invoice import total\n")
    (tmp_path / "app" / "main.py").write_text(IMPORTER)
    return tmp_path


def _counting(monkeypatch) -> list[str]:
    calls: list[str] = []

    def counted(source, *args, **kwargs):
        calls.append(source)
        return rewrite_source(source, *args, **kwargs)

    monkeypatch.setattr(rewrite_memo, "rewrite_source", counted)
    return calls


def test_a_rewrite_computed_ahead_is_used_for_the_same_text_and_gives_the_same_result(tmp_path, monkeypatch):
    checkout = _checkout(tmp_path)
    calls = _counting(monkeypatch)
    rewrite_memo.rewrite_ahead(checkout, _plan())
    assert len(calls) == 2  # the moved package and its importer
    new, report = rewrite_memo.rewrite(IMPORTER, MOVES, "app.main")
    assert len(calls) == 2  # answered from the memo
    assert (new, report) == rewrite_source(IMPORTER, MOVES, "app.main")
    assert "from app_billing import invoice" in new
    report.uncertain_strings.append((9, "x"))  # the caller's copy: the memo's is not shared
    assert rewrite_memo.rewrite(IMPORTER, MOVES, "app.main") == rewrite_source(IMPORTER, MOVES, "app.main")


def test_a_file_that_changed_since_the_head_start_is_rewritten_from_its_new_text(tmp_path, monkeypatch):
    checkout = _checkout(tmp_path)
    rewrite_memo.rewrite_ahead(checkout, _plan())
    calls = _counting(monkeypatch)
    edited = IMPORTER + "import app.billing.invoice as inv\n"
    new, _ = rewrite_memo.rewrite(edited, MOVES, "app.main")
    assert calls == [edited]
    assert new.endswith("import app_billing.invoice as inv\n")
    # the same text under another module name is another input too
    rewrite_memo.rewrite(IMPORTER, MOVES, "app.other")
    assert calls == [edited, IMPORTER]


def test_branch_by_abstraction_rewrites_no_importers_ahead(tmp_path, monkeypatch):
    checkout = _checkout(tmp_path)
    calls = _counting(monkeypatch)
    rewrite_memo.rewrite_ahead(checkout, _plan("abstraction"))
    assert calls == [(checkout / "app" / "billing" / "__init__.py").read_text()]


def test_a_file_libcst_cannot_parse_is_left_for_the_step_to_report(tmp_path):
    checkout = _checkout(tmp_path)
    broken = "import app.billing\nprint 'python 2'\n"
    (checkout / "app" / "main.py").write_text(broken)
    rewrite_memo.rewrite_ahead(checkout, _plan())
    with pytest.raises(codemods.cst.ParserSyntaxError):  # the step's own call meets it, as without a head start
        rewrite_memo.rewrite(broken, MOVES, "app.main")


def _files(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mode)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _scaffold_ctx(tree: Path):
    from vsmctl.strangler.python.backend import PythonBackend
    from vsmctl.strangler.steps.base import StepContext

    tree.mkdir(parents=True, exist_ok=True)
    return StepContext(tree, _plan(), PythonBackend())


def test_the_package_rendered_ahead_is_the_package_copier_renders(tmp_path, monkeypatch):
    import copier

    from vsmctl.strangler.steps import scaffold

    renders: list[str] = []
    real = copier.run_copy
    monkeypatch.setattr(copier, "run_copy", lambda src, dst, **kw: (renders.append(dst), real(src, dst, **kw))[1])
    direct = _scaffold_ctx(tmp_path / "direct")
    scaffold.Scaffold().apply(direct)
    checkout, worktree = _scaffold_ctx(tmp_path / "checkout"), _scaffold_ctx(tmp_path / "worktree")
    scaffold.Scaffold().ahead(checkout)
    assert len(renders) == 2 and not (checkout.tree / "packages").exists()  # rendered aside, not in the checkout
    scaffold.Scaffold().apply(worktree)
    assert len(renders) == 2  # copied, not rendered again
    package = "packages/app-billing"
    assert _files(worktree.tree / package) == _files(direct.tree / package)
    assert "_commit" in (worktree.tree / package / ".copier-answers.yml").read_text()


def test_a_package_rendered_for_other_answers_is_not_used(tmp_path):
    from vsmctl.strangler.steps import scaffold

    checkout = _scaffold_ctx(tmp_path / "checkout")
    scaffold.Scaffold().ahead(checkout)
    worktree = _scaffold_ctx(tmp_path / "worktree")
    # the monolith's requires-python differs in the worktree: another answer, so copier renders anew
    (worktree.tree / "pyproject.toml").write_text('[project]\nname = "app"\nversion = "1"\nrequires-python = ">=3.9"\n')
    scaffold.Scaffold().apply(worktree)
    assert 'python-version: "3.9"' in (worktree.tree / ".github" / "workflows" / "app-billing.yml").read_text()


def test_a_template_of_the_users_is_not_rendered_ahead(tmp_path):
    """Another template may render its destination's path (copier's `_copier_conf.dst_path`)."""
    import shutil
    from dataclasses import replace

    from vsmctl.resources import templates_dir
    from vsmctl.strangler.steps import scaffold

    own = tmp_path / "my-template"
    shutil.copytree(templates_dir() / "python-package", own)
    scaffold._rendered.clear()
    checkout = replace(_scaffold_ctx(tmp_path / "checkout"), template=str(own))
    scaffold.Scaffold().ahead(checkout)
    assert scaffold._rendered == {}
    worktree = replace(_scaffold_ctx(tmp_path / "worktree"), template=str(own))
    scaffold.Scaffold().apply(worktree)
    assert (worktree.tree / "packages" / "app-billing" / "pyproject.toml").is_file()
