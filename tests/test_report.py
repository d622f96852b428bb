import itertools

import networkx as nx
from conftest import EXAMPLE, ROADMAP
from hypothesis import given, settings
from hypothesis import strategies as st

from vsmctl.analysis.cycles import _greedy, minimum_breakers, strongly_connected
from vsmctl.analysis.report import analyze_monolith


def test_example_violations_cycles_and_breakers():
    report = analyze_monolith(EXAMPLE, ROADMAP, use_cache=False)
    got = {(v.source, v.target, v.rule) for v in report.violations}
    assert got == {
        ("vsm-core", "vsm-s1-operations", "upward"),
        ("vsm-telemetry", "vsm-s3-control", "upward"),
        ("vsm-config", "vsm-s5-policy", "upward"),
        ("vsm-s2-coordination", "vsm-s3-control", "undeclared"),
    }
    core = next(v for v in report.violations if v.source == "vsm-core")
    assert [(s.importer, s.line) for s in core.sites] == [("vsm.core.registry", 10)]
    # the module cycle across S3, S4 and telemetry
    assert report.cycles[0].members == ("vsm.s3.audit", "vsm.s4.forecast", "vsm.telemetry.reporter")
    # the TYPE_CHECKING edge s2 -> s3 creates no cycle; the two real package cycles need two cuts
    assert report.breakers.exact
    assert set(report.breakers.edges) == {("vsm-core", "vsm-s1-operations"), ("vsm-telemetry", "vsm-s3-control")}
    assert set(report.monolith_imports) == {"vsm-api", "vsm-console"}
    metrics = {p.name: p for p in report.packages}
    assert metrics["vsm-goldrush"].fan_out == 0 and metrics["vsm-goldrush"].instability == 0.0
    assert metrics["vsm-core"].modules == 9


def test_pattern_matching_nothing_is_a_warning(tmp_path):
    roadmap = tmp_path / "roadmap.yaml"
    roadmap.write_text("packages:\n  a: {category: core, modules: [vsm.core, vsm.nothing]}\n")
    report = analyze_monolith(EXAMPLE, roadmap, use_cache=False)
    assert "roadmap: pattern 'vsm.nothing' of package 'a' matches no module" in report.warnings


def brute_force_minimum(weights):
    edges = sorted(weights)
    for size in range(len(edges) + 1):
        for cut in itertools.combinations(edges, size):
            g = nx.DiGraph(e for e in edges if e not in cut)
            if nx.is_directed_acyclic_graph(g):
                return size
    raise AssertionError


graphs = st.dictionaries(
    st.tuples(st.sampled_from("abcdef"), st.sampled_from("abcdef")).filter(lambda e: e[0] != e[1]),
    st.integers(1, 5), max_size=14,
)


@settings(max_examples=60, deadline=None)
@given(graphs)
def test_breakers_make_the_graph_acyclic_with_the_fewest_edges(weights):
    result = minimum_breakers(weights)
    remaining = nx.DiGraph()
    remaining.add_edges_from(e for e in weights if e not in result.edges)
    assert nx.is_directed_acyclic_graph(remaining)
    assert len(result.edges) == brute_force_minimum(weights)


@settings(max_examples=40, deadline=None)
@given(graphs)
def test_greedy_fallback_also_yields_a_dag(weights):
    nodes = sorted({n for e in weights for n in e})
    cut = set(_greedy(nodes, weights))
    assert nx.is_directed_acyclic_graph(nx.DiGraph(e for e in weights if e not in cut))


def test_strongly_connected_largest_first_with_a_real_cycle():
    cycles = strongly_connected([("a", "b"), ("b", "a"), ("c", "d"), ("d", "e"), ("e", "c"), ("x", "y")])
    assert [c.members for c in cycles] == [("c", "d", "e"), ("a", "b")]
    example = cycles[0].example
    assert example[0] == example[-1] and len(example) == 4


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9)), max_size=30))
def test_components_match_networkx(pairs):
    from vsmctl.analysis.cycles import _adjacency, components

    edges = [(str(a), str(b)) for a, b in pairs]
    ours = {frozenset(c) for c in components(_adjacency(edges))}
    g = nx.DiGraph(e for e in edges if e[0] != e[1])
    assert ours == {frozenset(c) for c in nx.strongly_connected_components(g)}
    for cycle in strongly_connected(edges):
        assert cycle.example[0] == cycle.example[-1]
        assert all(g.has_edge(a, b) for a, b in zip(cycle.example, cycle.example[1:], strict=False))
