"""Exact percentiles from sorted runs (vsmctl/parallel/sorted_runs.py) against a plain sort."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from vsmctl.parallel.sorted_runs import as_sorted_runs, is_sorted, ranks_of

durations = st.integers(min_value=0, max_value=2**62)
runs_strategy = st.lists(st.lists(durations, max_size=40), min_size=1, max_size=30)


@given(runs_strategy, st.lists(st.floats(min_value=0, max_value=1), min_size=1, max_size=4))
@settings(max_examples=300, deadline=None)
def test_the_values_at_ranks_are_those_of_a_full_sort(runs, quantiles):
    everything = sorted(v for run in runs for v in run)
    sorted_runs = as_sorted_runs(runs)  # unsorted runs (old batches) are sorted on their own
    assert all(is_sorted(run) for run in sorted_runs)
    if not everything:
        assert sorted_runs == []
        return
    ranks = [min(len(everything) - 1, int(q * len(everything))) for q in quantiles]
    assert ranks_of(sorted_runs, ranks) == [everything[r] for r in ranks]


def test_few_long_runs_are_searched_and_many_short_ones_merged_with_the_same_answer():
    long_runs = [sorted((k * 7919 + i * 104729) % 1_000_003 for k in range(5_000)) for i in range(4)]
    short_runs = [[v] for run in long_runs for v in run[:300]]
    for runs in (long_runs, short_runs):
        everything = sorted(v for run in runs for v in run)
        n = len(everything)
        ranks = [n // 2, int(0.95 * n), int(0.99 * n), 0, n - 1]
        assert ranks_of(runs, ranks) == [everything[r] for r in ranks]


def test_ties_and_a_single_value():
    assert ranks_of([[5, 5, 5], [5]], [0, 3]) == [5, 5]
    assert ranks_of([[1, 1, 2], [2, 3]], [1, 2, 4]) == [1, 2, 3]
