"""Issue 10, defect 11: the moved code's public API before and after (griffe), per step and at finish.

The project: the src-layout shop; the roadmap's phase asks for `api_compatible`. A change on the
migration branch that breaks a caller (a new required parameter, a removed function) makes
`finish` refuse, naming it, unless `--allow-breaking`.
"""

import git
from conftest import write_tree
from test_extract import extract, src_layout_project


def _shop_with_api_gate(root):
    repo = src_layout_project(root)
    roadmap = repo / "roadmap.yaml"
    roadmap.write_text(roadmap.read_text() + "phases:\n  - name: One\n    packages: [shop-billing]\n"
                       "    gates: {tests: pass, api_compatible: true}\n")
    write_tree(repo, {"src/shop/billing/refunds.py": "def refund(amount):\n    return -amount\n\n\n"
                                                     "def void(invoice):\n    return None\n"})
    r = git.Repo(repo)
    r.git.add("-A")
    r.git.commit("-m", "refunds, and a gate on the API")
    return repo


def test_each_step_reports_the_api_and_finish_refuses_a_breaking_change(tmp_path):
    repo = _shop_with_api_gate(tmp_path / "shop")
    result = extract(repo, "subsystem", "shop-billing", "--no-shims")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "step 2/2: move: public API of the moved code: no breaking change (griffe)" in result.stderr

    refunds = repo / "packages" / "shop-billing" / "shop_billing" / "refunds.py"
    refunds.write_text("def refund(amount, reason):\n    return -amount\n")  # required parameter; void is gone
    r = git.Repo(repo)
    r.git.commit("-am", "refunds need a reason")
    result = extract(repo, "finish", "shop-billing")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "2 breaking change(s)" in result.stderr
    assert "shop_billing.refunds.refund: parameter was added as required (reason)" in result.stderr
    assert "shop_billing.refunds.void: public object was removed" in result.stderr
    assert "--allow-breaking" in result.stderr
    assert r.head.commit.summary == "refunds need a reason"  # nothing done

    result = extract(repo, "finish", "shop-billing", "--allow-breaking")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "api_compatible: 2 breaking change(s)" in result.stdout and "(allowed: --allow-breaking)" in result.stdout


def test_the_api_gate_holds_when_nothing_broke(tmp_path):
    repo = _shop_with_api_gate(tmp_path / "shop")
    assert extract(repo, "subsystem", "shop-billing").returncode == 0
    result = extract(repo, "finish", "shop-billing")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "api_compatible: no breaking change in the moved code's public API (griffe)" in result.stdout
