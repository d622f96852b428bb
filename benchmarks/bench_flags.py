"""Feature flags on the hot path, against the OpenFeature SDK's InMemoryProvider, in one run.

Targets (issue 13): `Flags.enabled` with a percentage rule at most 1/40 of an OpenFeature
boolean evaluation with InMemoryProvider, with flagd's bucketing (murmur3, memoised per key; the
first evaluation of a key, which pays the pure-Python hash, is measured on its own);
through our OpenFeature provider at most 1.2x that same InMemoryProvider evaluation;
`import vsmctl.flags` at most 15 ms over `python -c pass`.

    python benchmarks/bench_flags.py
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import timeit
from pathlib import Path

from _common import import_cost, machine, precompile, record

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

KEY = "extract.vsm-s3-control"
USERS = [f"user-{i}" for i in range(10_000)]


def interleaved(subjects: dict[str, tuple[object, int]], rounds: int = 9) -> dict[str, list[float]]:
    """Per-call microseconds of each subject, measured round by round in turn, so that a noisy
    neighbour slows all of them alike and the ratios (taken per round) stay fair."""
    times: dict[str, list[float]] = {name: [] for name in subjects}
    for _ in range(rounds):
        for name, (fn, calls) in subjects.items():
            times[name].append(timeit.timeit(fn, number=calls) / calls * 1e6)
    return times


def _first_sight(flags: object) -> float:
    """Per-call microseconds for keys the client has not seen: the hash, not the memo."""
    fresh = iter([f"new-user-{i}" for i in range(200_000)])
    enabled = flags.enabled  # type: ignore[attr-defined]
    runs = [timeit.timeit(lambda: enabled(KEY, key=next(fresh)), number=20_000) / 20_000 * 1e6 for _ in range(5)]
    return statistics.median(runs)


def _counting(path: Path) -> float:
    """Per-call microseconds of `Flags.enabled` with evaluations counted (vsmctl.metrics)."""
    from vsmctl.flags import Flags

    counted = Flags.from_file(path)
    counted.count_evaluations()
    users = iter(USERS * 1000)
    enabled = counted.enabled
    for user in USERS:
        enabled(KEY, key=user)
    runs = [timeit.timeit(lambda: enabled(KEY, key=next(users)), number=100_000) / 100_000 * 1e6 for _ in range(5)]
    return statistics.median(runs)


def main() -> None:
    precompile()
    from openfeature import api
    from openfeature.evaluation_context import EvaluationContext
    from openfeature.provider.in_memory_provider import InMemoryFlag, InMemoryProvider

    from vsmctl.flags import Flags
    from vsmctl.flags.openfeature import VsmctlProvider

    folder = Path(tempfile.mkdtemp())
    path = folder / "flags.json"
    path.write_text(json.dumps({"flags": {KEY: {
        "key": KEY, "type": "boolean", "state": "enabled", "variants": {"on": True, "off": False},
        "default_variant": "off", "rules": [], "rollout": {"percent": 25.0, "variant": "on", "by": "targetingKey"}}}}))
    flags = Flags.from_file(path)
    contexts = [EvaluationContext(u) for u in USERS]

    users = iter(USERS * 1000)
    api.set_provider(InMemoryProvider({KEY: InMemoryFlag("off", {"on": True, "off": False})}), domain="memory")
    api.set_provider(VsmctlProvider(flags), domain="vsmctl")
    memory_client, vsmctl_client = api.get_client(domain="memory"), api.get_client(domain="vsmctl")
    ctxs = iter(contexts * 1000)
    times = interleaved({
        "ours": (lambda: flags.enabled(KEY, key=next(users)), 100_000),
        "in_memory": (lambda: memory_client.get_boolean_value(KEY, False, next(ctxs)), 10_000),
        "provider": (lambda: vsmctl_client.get_boolean_value(KEY, False, next(ctxs)), 10_000),
    })
    ours, in_memory, provider = (statistics.median(times[k]) for k in ("ours", "in_memory", "provider"))
    first_sight = _first_sight(flags)
    counting = _counting(path)
    # ratios per round, then their median: each round's three figures share the machine's state
    fraction = statistics.median(o / m for o, m in zip(times["ours"], times["in_memory"], strict=True))
    provider_ratio = statistics.median(p / m for p, m in zip(times["provider"], times["in_memory"], strict=True))

    base, imp, import_ms = import_cost("vsmctl.flags")

    body = "\n".join([
        "## Feature flags (issue: feature flags)",
        "",
        f"Command: `python benchmarks/bench_flags.py`; machine: {machine()}. Per-call times are medians of 9 "
        "interleaved rounds (100,000 calls for ours, 10,000 through the SDK, each call with a different "
        "targeting key); ratios are the median of the per-round ratios.",
        "",
        "| what | per call | ratio | target |",
        "|---|---|---|---|",
        f"| `Flags.enabled` (25% rollout, 10,000 users in turn) | {ours:.3f} µs | 1/{1 / fraction:.0f} of "
        f"InMemoryProvider | ≤ 1/40: {'met' if fraction <= 1 / 40 else 'NOT met'} |",
        f"| `Flags.enabled`, a key's first evaluation (memo miss: pure-Python murmur3) | {first_sight:.2f} µs | "
        f"{first_sight / in_memory:.2f}x of InMemoryProvider | once per key |",
        f"| `Flags.enabled` with evaluations counted for Prometheus (`vsmctl.metrics`) | {counting:.3f} µs | "
        f"1/{in_memory / counting:.0f} of InMemoryProvider | opt-in |",
        f"| OpenFeature SDK + InMemoryProvider (boolean) | {in_memory:.2f} µs | 1 | |",
        f"| OpenFeature SDK + `VsmctlProvider` (25% rollout) | {provider:.2f} µs | {provider_ratio:.2f}x | "
        f"≤ 1.2x: {'met' if provider_ratio <= 1.2 else 'NOT met'} |",
        "",
        f"`python -c \"import vsmctl.flags\"`: {imp * 1000:.1f} ms against {base * 1000:.1f} ms for "
        f"`python -c pass` (medians of 31 runs in turn): +{import_ms:.1f} ms "
        f"(target ≤ 15 ms: {'met' if import_ms <= 15 else 'NOT met'}).",
    ])
    record("flags", body)
    print(body)


if __name__ == "__main__":
    main()
