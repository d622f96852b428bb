"""Exact percentiles of durations kept as sorted runs (the recorder stores each batch sorted).

A million durations need not be merged to read three ranks of them: the k-th smallest is the
least value x with more than k durations <= x, and each run answers "how many <= x" with one
bisection. A binary search over the value range therefore costs (3 ranks x 64 steps x runs)
bisections instead of a sort of every duration. When the runs are many and short (a quiet
service flushes small batches), merging them is cheaper and is done instead: the answer is the
same either way.
"""

from __future__ import annotations

import math
import operator
from bisect import bisect_right
from collections.abc import Sequence
from itertools import chain, islice, repeat


def is_sorted(run: Sequence[int]) -> bool:
    return all(map(operator.le, run, islice(run, 1, None)))


def as_sorted_runs(runs: Sequence[Sequence[int]]) -> list[Sequence[int]]:
    """The non-empty runs, each sorted (batches written before the recorder sorted them are not)."""
    return [run if is_sorted(run) else sorted(run) for run in runs if len(run)]


def ranks_of(runs: Sequence[Sequence[int]], ranks: Sequence[int]) -> list[int]:
    """The values at 0-based `ranks` of all durations of the sorted `runs` taken together."""
    total = sum(map(len, runs))
    low, high = min(run[0] for run in runs), max(run[-1] for run in runs)
    search = len(ranks) * max(1, (high - low).bit_length()) * len(runs)
    merge = total * max(1.0, math.log2(len(runs)))
    if search > merge:
        merged = sorted(chain.from_iterable(runs))
        return [merged[rank] for rank in ranks]
    return [_value_at(runs, rank, low, high) for rank in ranks]


def _value_at(runs: Sequence[Sequence[int]], rank: int, low: int, high: int) -> int:
    while low < high:
        middle = (low + high) // 2
        if sum(map(bisect_right, runs, repeat(middle))) > rank:
            high = middle
        else:
            low = middle + 1
    return low
