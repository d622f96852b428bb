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
