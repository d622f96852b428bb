"""The proposal's contracts on small graphs: exactly N packages, composition roots at the top,
new packages in seeded mode, a --write that refuses to make the roadmap worse, and one story
told the same way in the terminal and in JSON."""

import json

import pytest
from conftest import run_cli

from vsmctl.propose.service import propose_boundaries


def clusters(count: int, size: int = 3) -> dict[str, str]:
    """`count` groups of modules importing each other in a ring, joined by one import each."""
    files = {"app/__init__.py": ""}
    for k in range(count):
        for i in range(size):
            files[f"app/g{k}m{i}.py"] = f"import app.g{k}m{(i + 1) % size}\n"
        files[f"app/g{k}m0.py"] += f"import app.g{(k + 1) % count}m1\n"
    return files


@pytest.mark.parametrize("wanted", [1, 2, 4, 6])
def test_packages_n_gives_exactly_n(tree, wanted):
    root = tree(clusters(4))
    _graph, proposal = propose_boundaries(root / "app", packages=wanted, use_cache=False)
    assert len(proposal.packages) == wanted
    assert len(set(proposal.partition.values())) == wanted
    assert proposal.notes.count is None


def test_packages_n_says_why_it_cannot(tree):
    root = tree(clusters(2, size=2))
    _graph, proposal = propose_boundaries(root / "app", packages=40, use_cache=False)
    assert len(proposal.packages) < 40
    assert proposal.notes.count is not None and "--packages 40" in proposal.notes.count
    result = run_cli("analyze", "monolith", str(root / "app"), "--propose", "--packages", "40", "--no-cache")
    assert result.returncode == 0, result.stderr
    assert "note: --packages 40: only" in result.stdout


def test_a_composition_root_stays_at_the_top(tree):
    files = clusters(4)
    files["app/main.py"] = "".join(f"import app.g{k}m0\nimport app.g{k}m2\n" for k in range(4))
    files["app/cli.py"] = "import app.main\n"  # an entry point above it may import it
    root = tree(files)
    _graph, proposal = propose_boundaries(root / "app", use_cache=False)
    assert proposal.notes.roots == ("app.main",)
    assert "app.main" not in proposal.partition and "app.main" in proposal.unassigned
    reason = next(d.reason for d in proposal.decisions if d.module == "app.main")
    assert reason.startswith("composition root")


def test_seeded_mode_makes_a_new_package_for_what_no_seed_reaches(tree, tmp_path):
    files = clusters(3, size=4)
    root = tree(files)
    roadmap = tmp_path / "roadmap.yaml"
    roadmap.write_text("packages:\n"
                       "  first: {category: core, modules: [=app.g0m0, =app.g0m1, =app.g0m2, =app.g0m3]}\n"
                       "  second: {category: core, modules: [=app.g1m0, =app.g1m1, =app.g1m2, =app.g1m3]}\n")
    _graph, proposal = propose_boundaries(root / "app", roadmap, use_cache=False)
    third = {proposal.partition[f"app.g2m{i}"] for i in range(4)}
    assert len(third) == 1
    [name] = third
    assert name not in ("first", "second") and "g2" in name  # named after its own members
    reasons = {d.reason for d in proposal.decisions if d.module.startswith("app.g2")}
    assert reasons == {"new package: no seed holds most of its cluster"}


def dense(groups: dict[str, int], links: list[tuple[str, str]]) -> dict[str, str]:
    """Groups of modules that all import each other, and single imports between groups."""
    imports: dict[str, list[str]] = {f"{g}{i}": [] for g, n in groups.items() for i in range(n)}
    for g, n in groups.items():
        for i in range(n):
            imports[f"{g}{i}"] += [f"{g}{j}" for j in range(n) if j != i]
    for a, b in links:
        imports[a].append(b)
    return {"app/__init__.py": "", **{f"app/{m}.py": "".join(f"import app.{t}\n" for t in ts)
                                      for m, ts in imports.items()}}


def seeded_roadmap(tmp_path, packages: dict[str, list[str]]):
    roadmap = tmp_path / "roadmap.yaml"
    roadmap.write_text("packages:\n" + "".join(
        f"  {name}: {{category: core, modules: [{', '.join('=app.' + m for m in mods)}]}}\n"
        for name, mods in packages.items()))
    return roadmap


def test_a_seed_holding_a_minority_of_a_cluster_does_not_absorb_the_rest(tree, tmp_path):
    # cluster a (5 modules) holds 2 modules of `first`, whose other 4 are cluster b: the 3 others
    # of a lean on `first` but form a new package of their own, as unsupervised mode would make
    root = tree(dense({"a": 5, "b": 4}, [("a0", "b0"), ("a1", "b1")]))
    _graph, unsupervised = propose_boundaries(root / "app", use_cache=False)
    assert len({unsupervised.partition[f"app.a{i}"] for i in range(5)}) == 1
    roadmap = seeded_roadmap(tmp_path, {"first": ["a0", "a1", "b0", "b1", "b2", "b3"]})
    _graph, proposal = propose_boundaries(root / "app", roadmap, use_cache=False)
    rest = {proposal.partition[f"app.a{i}"] for i in range(2, 5)}
    assert len(rest) == 1 and rest != {"first"}
    reasons = {d.reason for d in proposal.decisions if d.module in {f"app.a{i}" for i in range(2, 5)}}
    assert reasons == {"new package: no seed holds most of its cluster"}


def test_a_seed_holding_most_of_a_cluster_takes_the_rest(tree, tmp_path):
    root = tree(dense({"a": 5, "b": 4}, [("a0", "b0")]))
    roadmap = seeded_roadmap(tmp_path, {"first": ["a0", "a1", "a2"], "second": ["b0", "b1"]})
    _graph, proposal = propose_boundaries(root / "app", roadmap, use_cache=False)
    assert {proposal.partition[f"app.a{i}"] for i in range(5)} == {"first"}
    # `second` lies wholly inside cluster b: it claims it too, though it holds only half of it
    assert {proposal.partition[f"app.b{i}"] for i in range(4)} == {"second"}


def test_write_refuses_a_roadmap_with_more_violations(tree, tmp_path):
    root = tree({
        "app/__init__.py": "",
        "app/low1.py": "import app.mid\n", "app/low2.py": "import app.mid\nimport app.low1\n",
        "app/mid.py": "import app.high\n",
        "app/high.py": "X = 1\n",
    })
    roadmap = tmp_path / "roadmap.yaml"
    text = ("categories: [core, applications]\n"
            "packages:\n"
            "  low:\n    category: core\n    modules: [=app.low1, =app.low2]\n"
            "  high:\n    category: applications\n    modules: [=app.high]\n")
    roadmap.write_text(text)
    result = run_cli("analyze", "monolith", str(root / "app"), "--roadmap", str(roadmap), "--propose", "--write",
                     "--no-cache")
    assert result.returncode == 1
    assert result.stderr.startswith("error: --write refused")
    assert "low (core) imports high (applications)" in result.stderr
    assert roadmap.read_text() == text


def test_terminal_and_json_tell_one_story(tree):
    files = clusters(3)
    files["app/g2m1.py"] += "import app.g0m1\n"  # closes a cycle across all three groups
    files["app/g0m1.py"] += "from app import _g0_helper\n"
    files["app/_g0_helper.py"] = "Y = 1\n"
    root = tree(files)
    doc = json.loads(run_cli("analyze", "monolith", str(root / "app"), "--propose", "--json", "--no-cache").stdout)
    text = run_cli("analyze", "monolith", str(root / "app"), "--propose", "--no-cache").stdout
    tangles = [w for w in doc["waves"] if w["tangle"]]
    assert len(tangles) == len(doc["cycles"]) == 1
    assert f"Tangles between proposed packages ({len(tangles)}" in text
    assert f"untie first: {', '.join(tangles[0]['packages'])}" in text
    assert "each wave depends only on earlier ones" not in text
    names = [p["name"] for p in doc["packages"]]
    assert len(set(names)) == len(names) and not any(n.rsplit("-", 1)[-1].isdigit() for n in names)
    for p in doc["packages"]:
        for bound in p["bound"]:
            together = bound.split(" (")[0].split(", ")
            assert set(together) <= set(p["members"])


def test_an_import_down_a_layer_counts_half_while_clustering(tree):
    from vsmctl.analysis.report import load_graph
    from vsmctl.propose.coupling import across_cycles_halved, import_weights

    root = tree({"app/__init__.py": "", "app/a.py": "import app.b\nimport app.c\n",
                 "app/b.py": "import app.a\n", "app/c.py": ""})
    graph, _ = load_graph(root / "app", use_cache=False)
    weights = import_weights(graph)
    assert weights[("app.a", "app.b")] == 2.0 and weights[("app.a", "app.c")] == 1.0
    halved = across_cycles_halved(graph, weights)
    assert halved[("app.a", "app.b")] == 2.0  # a and b import each other: both ways
    assert halved[("app.a", "app.c")] == 0.5  # c is below a: one way only


def layered() -> dict[str, str]:
    """A core (four modules in one import cycle, and a helper they use) and, above it, a task API
    that ten tasks import; everything imports the core's first module."""
    files = {"app/__init__.py": "", "app/helper.py": ""}
    for i in range(4):
        files[f"app/core{i}.py"] = f"import app.core{(i + 1) % 4}\nimport app.helper\n"
    files["app/api.py"] = "import app.core0\n"
    for i in range(10):
        files[f"app/task{i}.py"] = "import app.api\nimport app.core0\n"
    return files


def test_the_foundation_is_the_largest_cycle_and_what_it_imports(tree):
    from vsmctl.analysis.report import load_graph
    from vsmctl.propose.layers import foundation

    graph, _ = load_graph(tree(layered()) / "app", use_cache=False)
    assert foundation(graph) == {"app.core0", "app.core1", "app.core2", "app.core3", "app.helper"}
    acyclic, _ = load_graph(tree({"lib/__init__.py": "", "lib/a.py": "import lib.b\n", "lib/b.py": ""}) / "lib",
                            use_cache=False)
    assert foundation(acyclic) == frozenset()


def test_an_import_into_the_foundation_counts_a_quarter_more_while_clustering(tree):
    from vsmctl.analysis.report import load_graph
    from vsmctl.propose.coupling import across_cycles_halved, import_weights, into_foundation_scaled
    from vsmctl.propose.layers import foundation

    graph, _ = load_graph(tree(layered()) / "app", use_cache=False)
    scaled = into_foundation_scaled(across_cycles_halved(graph, import_weights(graph)), foundation(graph))
    assert scaled[("app.core0", "app.core1")] == 1.0  # inside the cycle
    assert scaled[("app.core0", "app.helper")] == 0.5  # down a layer, inside the foundation
    assert scaled[("app.api", "app.task3")] == 0.5  # down a layer, above the foundation
    assert scaled[("app.api", "app.core0")] == 0.125  # into the foundation


def test_only_the_foundation_has_hubs_a_widely_imported_module_above_it_holds_its_layer(tree):
    _graph, proposal = propose_boundaries(tree(layered()) / "app", use_cache=False)
    assert "app.core0" in proposal.notes.hubs and "app.api" not in proposal.notes.hubs
    tasks = {proposal.partition[f"app.task{i}"] for i in range(10)}
    assert tasks == {proposal.partition["app.api"]}
    assert proposal.partition["app.api"] != proposal.partition["app.core1"]
