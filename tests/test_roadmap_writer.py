"""--write: the proposal goes into roadmap.yaml; comments, order and formatting stay."""

import yaml
from conftest import EXAMPLE, ROADMAP, run_cli

from vsmctl.roadmap.loader import load_roadmap


def test_seeded_write_back_keeps_comments_and_adds_patterns(tmp_path):
    roadmap = tmp_path / "roadmap.yaml"
    original = ROADMAP.read_text()
    roadmap.write_text(original)
    result = run_cli("analyze", "monolith", str(EXAMPLE), "--roadmap", str(roadmap), "--propose", "--write")
    assert result.returncode == 0, result.stderr
    text = roadmap.read_text()
    # every comment line of the original is still there, in the same order
    comments = [line.strip() for line in original.splitlines() if line.strip().startswith("#")]
    kept = [line.strip() for line in text.splitlines() if line.strip().startswith("#")]
    assert kept == comments
    # package order unchanged
    assert list(yaml.safe_load(text)["packages"]) == list(yaml.safe_load(original)["packages"])
    # the flow-style lists stay flow style, with the proposal appended
    assert "    modules: [vsm.s4, vsm.plugins.variety_amplifier]\n" in text
    assert "    modules: [vsm.s3, vsm.plugins.audit_hooks]\n" in text
    # the composition root vsm.app is left at the top: in no package (vsm-core would import everything)
    assert "    modules: [vsm.core, vsm.algedonic, =vsm]\n" in text
    # and it is a valid roadmap whose patterns now reproduce the proposal
    from vsmctl.analysis.report import load_graph
    from vsmctl.roadmap.patterns import assign

    graph, _ = load_graph(EXAMPLE, use_cache=False)
    package_of = assign(load_roadmap(roadmap), graph.modules).package_of
    assert package_of["vsm.plugins.variety_amplifier"] == "vsm-s4-intelligence"
    assert package_of["vsm"] == "vsm-core" and "vsm.app" not in package_of
    assert assign(load_roadmap(roadmap), graph.modules).unassigned == ("vsm.app",)
    # nothing else changed: removing the added items gives back the original lines
    added = [line for line in text.splitlines() if line not in original.splitlines()]
    assert all("modules:" in line for line in added), added


def test_unsupervised_write_creates_a_valid_roadmap(tree):
    root = tree({
        "app/__init__.py": "",
        "app/a1.py": "import app.a2\n", "app/a2.py": "import app.a1\n",
        "app/b1.py": "import app.b2\nimport app.a1\n", "app/b2.py": "import app.b1\n",
    })
    target = root / "roadmap.yaml"
    result = run_cli("analyze", "monolith", str(root / "app"), "--roadmap", str(target), "--propose", "--write",
                     "--cut-cycles", "--json")
    assert result.returncode == 0, result.stderr
    roadmap = load_roadmap(target)
    claimed = {p.name: p.modules for p in roadmap.packages}
    assert len(claimed) == 2
    assert result.stdout and '"created": true' in result.stdout.replace(" ", "").replace('":true', '": true')


def test_block_lists_and_trailing_comments_survive(tree):
    root = tree({
        "app/__init__.py": "from app import a\n",
        "app/a.py": "X = 1\n", "app/a2.py": "import app.a\n",
        "app/b.py": "Y = 1\n", "app/b2.py": "import app.b\n",
    })
    roadmap = root / "roadmap.yaml"
    original = (
        "# top comment\n"
        "packages:\n"
        "  first:   # trailing comment\n"
        "    category: core\n"
        "    modules:\n"
        "      - =app.a   # keep me\n"
        "\n"
        "  second:\n"
        "    category: core\n"
        "    modules: [=app.b]  # flow\n"
        "# the end\n"
    )
    roadmap.write_text(original)
    result = run_cli("analyze", "monolith", str(root), "--roadmap", str(roadmap), "--propose", "--write")
    assert result.returncode == 0, result.stderr
    text = roadmap.read_text()
    assert text == original.replace(
        "      - =app.a   # keep me\n", "      - =app.a   # keep me\n      - =app\n      - app.a2\n").replace(
        "    modules: [=app.b]  # flow\n", "    modules: [=app.b, app.b2]  # flow\n")
