"""Proposing boundaries: seeded by the roadmap, and from the graph alone."""

from pathlib import Path

import yaml
from conftest import EXAMPLE, ROADMAP

from vsmctl.analysis.report import load_graph
from vsmctl.propose.atoms import build_atoms
from vsmctl.propose.service import propose_boundaries
from vsmctl.roadmap.loader import load_roadmap
from vsmctl.roadmap.patterns import assign

# For each package, the one module its patterns keep; every other module of it must be recovered.
ANCHORS = {
    "vsm-goldrush": "vsm.goldrush.engine", "vsm-rate-limiter": "vsm.rate_limiter.limiter",
    "vsm-config": "vsm.config.settings", "vsm-s1-operations": "vsm.s1.operations",
    "vsm-s2-coordination": "vsm.s2.coordination", "vsm-s3-control": "vsm.s3.control",
    "vsm-s4-intelligence": "vsm.s4.intelligence", "vsm-s5-policy": "vsm.s5.policy",
    "vsm-console": "vsm.console.cli", "vsm-api": "vsm.api.server", "vsm-telemetry": "vsm.telemetry.metrics",
}


def reduced_roadmap(tmp_path: Path) -> Path:
    data = yaml.safe_load(ROADMAP.read_text())
    for name, anchor in ANCHORS.items():
        data["packages"][name]["modules"] = [anchor]
    path = tmp_path / "roadmap.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def original_assignment() -> dict[str, str]:
    graph, _ = load_graph(EXAMPLE, use_cache=False)
    return assign(load_roadmap(ROADMAP), graph.modules).package_of


def test_seeded_mode_recovers_the_roadmap_targets_of_removed_patterns(tmp_path):
    original = original_assignment()
    _graph, proposal = propose_boundaries(EXAMPLE, reduced_roadmap(tmp_path), cut_cycles=True, use_cache=False)
    assert proposal.mode == "seeded"
    removed = [m for m, pkg in original.items() if pkg in ANCHORS and m != ANCHORS[pkg]]
    assert len(removed) == 29
    assert {m: proposal.partition.get(m) for m in removed} == {m: original[m] for m in removed}
    decisions = {d.module: d for d in proposal.decisions}
    assert set(removed) <= set(decisions)
    assert all(0 < decisions[m].score <= 1 for m in removed)
    # close calls show their runner-up
    assert any(d.runner_up is not None and d.runner_up_score > 0 for d in decisions.values())


def test_seeded_mode_keeps_an_unseeded_cycle_together(tmp_path):
    _graph, proposal = propose_boundaries(EXAMPLE, reduced_roadmap(tmp_path), cut_cycles=False, use_cache=False)
    cycle = ("vsm.s3.audit", "vsm.s4.forecast", "vsm.telemetry.reporter")
    assert len({proposal.partition[m] for m in cycle}) == 1
    bound = [d for d in proposal.decisions if d.module in cycle and "import cycle" in d.reason]
    assert bound


def test_seeded_mode_places_unclaimed_modules_with_a_runner_up():
    _graph, proposal = propose_boundaries(EXAMPLE, ROADMAP, use_cache=False)
    decisions = {d.module: d for d in proposal.decisions}
    assert set(decisions) == {"vsm", "vsm.app", "vsm.plugins.audit_hooks", "vsm.plugins.variety_amplifier"}
    assert decisions["vsm.plugins.variety_amplifier"].target == "vsm-s4-intelligence"
    # the inversion the roadmap needs: core must stop importing S1's OperationalUnit
    inversion = next(i for i in proposal.inversions if (i.source, i.target) == ("vsm-core", "vsm-s1-operations"))
    assert "OperationalUnit" in inversion.names
    # extraction waves: the first has no dependency on any other proposed package
    first = set(proposal.order[0].packages)
    assert "vsm-goldrush" in first
    for pkg in proposal.packages:
        if pkg.name in first:
            assert not (set(pkg.depends_on) - first)


def test_unsupervised_finds_the_two_clusters(tree):
    files = {"app/__init__.py": "", "app/lonely.py": "X = 1\n"}
    for side in ("billing", "shipping"):
        files[f"app/{side}_a.py"] = f"import app.{side}_b\nimport app.{side}_c\n"
        files[f"app/{side}_b.py"] = f"import app.{side}_c\nfrom app import _{side}_helper\n"
        files[f"app/{side}_c.py"] = f"import app.{side}_d\n"
        files[f"app/{side}_d.py"] = f"import app.{side}_a\n"
        files[f"app/_{side}_helper.py"] = "Y = 2\n"
    files["app/billing_c.py"] += "import app.shipping_d\n"  # one link across
    root = tree(files)
    _graph, proposal = propose_boundaries(root, cut_cycles=True, use_cache=False)
    assert proposal.mode == "unsupervised"
    groups = {}
    for m, pkg in proposal.partition.items():
        groups.setdefault(pkg, set()).add(m.split(".")[-1].lstrip("_").split("_")[0])
    assert sorted(sorted(g) for g in groups.values()) == [["billing"], ["shipping"]]
    # no imports either way, and its folder's modules split evenly: unplaced, not a package
    assert proposal.unassigned == ("app", "app.lonely")
    # the private helper stays with its only user
    assert proposal.partition["app._billing_helper"] == proposal.partition["app.billing_b"]
    billing = proposal.partition["app.billing_a"]
    crossing = next(p for p in proposal.packages if p.name == billing).crossing
    assert [(s.importer, s.imported) for s in crossing] == [("app.billing_c", "app.shipping_d")]
    assert proposal.order[0] != proposal.order[-1]


def test_packages_option_merges_to_the_asked_number(tree):
    files = {"app/__init__.py": ""}
    for k in range(4):
        files[f"app/m{k}a.py"] = f"import app.m{k}b\n"
        files[f"app/m{k}b.py"] = f"import app.m{k}a\nimport app.m{(k + 1) % 4}a\n"
    root = tree(files)
    _graph, proposal = propose_boundaries(root, packages=2, cut_cycles=True, use_cache=False)
    assert len(set(proposal.partition.values())) == 2


def test_atoms_bind_cycles_and_private_helpers_unless_cut():
    graph, _ = load_graph(EXAMPLE, use_cache=False)
    atoms = build_atoms(graph)
    assert atoms.atom_of["vsm.s3.audit"] == atoms.atom_of["vsm.telemetry.reporter"] == atoms.atom_of["vsm.s4.forecast"]
    assert atoms.atom_of["vsm.s1._scheduling"] == atoms.atom_of["vsm.s1.operations"]
    cut = build_atoms(graph, cut_cycles=True)
    assert cut.atom_of["vsm.s3.audit"] != cut.atom_of["vsm.telemetry.reporter"]
    assert cut.atom_of["vsm.s1._scheduling"] == cut.atom_of["vsm.s1.operations"]


def test_history_counts_modules_changed_together(example_repo):
    import git

    from vsmctl.propose.history import change_coupling

    repo = git.Repo(example_repo)
    base = example_repo / "examples" / "vsm_monolith" / "vsm"
    for i in range(3):
        for rel in ("s5/policy.py", "config/loader.py"):
            with open(base / rel, "a") as handle:
                handle.write(f"# change {i}\n")
        repo.git.add(A=True)
        repo.index.commit(f"policy and config together {i}")
    graph, _ = load_graph(example_repo / "examples" / "vsm_monolith", use_cache=False)
    weights = change_coupling(graph, 10)
    assert weights[("vsm.config.loader", "vsm.s5.policy")] == 3.0
    _graph, proposal = propose_boundaries(example_repo / "examples" / "vsm_monolith", history=10, use_cache=False)
    assert proposal.mode == "unsupervised"
