"""Private helper of vsm.s1.operations: orders work by priority."""

from __future__ import annotations

import heapq


def order(jobs: list[tuple[int, str]]) -> list[str]:
    heap = list(jobs)
    heapq.heapify(heap)
    return [heapq.heappop(heap)[1] for _ in range(len(heap))]
