"""Latency as log-linear histograms: what the PostgreSQL store keeps instead of every duration.

A duration in nanoseconds falls into a bucket by its top four bits: 8 buckets per doubling, so a
percentile read from the histogram is within 1/16 (6%) of the exact one, and the histogram of any
number of observations is HISTOGRAM_SIZE counters, summed by the database (Prometheus and
HdrHistogram make the same trade).
"""

from __future__ import annotations

HISTOGRAM_SIZE = 512  # enough for 2**63 ns


def bucket_of(ns: int) -> int:
    """0..15 are exact; above, 8 buckets per power of two (index = 8 * bit_length - 32 + top 4 bits)."""
    if ns < 16:
        return ns if ns > 0 else 0
    bits = ns.bit_length()
    return 8 * bits - 32 + (ns >> (bits - 4))


def bucket_value(index: int) -> float:
    """The middle of a bucket's range, in nanoseconds."""
    if index < 16:
        return float(index)
    bits = (index + 32) // 8 - 1
    top = 8 + (index + 32) % 8
    width = 1 << (bits - 4)
    return top * width + width / 2


def percentile(counts: dict[int, int], q: float) -> float | None:
    """The q-quantile (0..1) in nanoseconds of a histogram {bucket: count}, like `sorted(values)[int(q * n)]`."""
    total = sum(counts.values())
    if not total:
        return None
    rank = min(total - 1, int(q * total))
    seen = 0
    for index in sorted(counts):
        seen += counts[index]
        if seen > rank:
            return bucket_value(index)
    return bucket_value(max(counts))  # pragma: no cover - the loop always reaches rank
