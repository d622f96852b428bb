"""Feature flags on the hot path, against the OpenFeature SDK's InMemoryProvider, in one run.

Targets (issue: feature flags): `Flags.enabled` with a percentage rule at most 1/20 of an
OpenFeature boolean evaluation with InMemoryProvider; through our OpenFeature provider at most
1.2x that same InMemoryProvider evaluation; `import vsmctl.flags` at most 15 ms over `python -c pass`.

    python benchmarks/bench_flags.py
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import timeit
from pathlib import Path

from _common import machine, precompile, record, run_process

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

KEY = "extract.vsm-s3-control"
USERS = [f"user-{i}" for i in range(10_000)]


def per_call(fn, calls: int) -> float:
    """Median over 7 rounds of the time per call, in microseconds."""
    rounds = [timeit.timeit(fn, number=calls) / calls * 1e6 for _ in range(7)]
    return statistics.median(rounds)


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
    ours = per_call(lambda: flags.enabled(KEY, key=next(users)), 100_000)

    api.set_provider(InMemoryProvider({KEY: InMemoryFlag("off", {"on": True, "off": False})}))
    client = api.get_client()
    ctxs = iter(contexts * 100)
    in_memory = per_call(lambda: client.get_boolean_value(KEY, False, next(ctxs)), 10_000)

    api.set_provider(VsmctlProvider(flags))
    client = api.get_client()
    ctxs = iter(contexts * 100)
    provider = per_call(lambda: client.get_boolean_value(KEY, False, next(ctxs)), 10_000)

    py = sys.executable
    base = statistics.median(run_process([py, "-c", "pass"]).seconds for _ in range(21))
    imp = statistics.median(run_process([py, "-c", "import vsmctl.flags"]).seconds for _ in range(21))
    import_ms = (imp - base) * 1000

    body = "\n".join([
        "## Feature flags (issue: feature flags)",
        "",
        f"Command: `python benchmarks/bench_flags.py`; machine: {machine()}. Per-call times are the median of 7 "
        "rounds (100,000 calls for ours, 10,000 through the SDK), each call with a different targeting key.",
        "",
        "| what | per call | ratio | target |",
        "|---|---|---|---|",
        f"| `Flags.enabled` (25% rollout) | {ours:.3f} µs | 1/{in_memory / ours:.0f} of InMemoryProvider | "
        f"≤ 1/20: {'met' if ours <= in_memory / 20 else 'NOT met'} |",
        f"| OpenFeature SDK + InMemoryProvider (boolean) | {in_memory:.2f} µs | 1 | |",
        f"| OpenFeature SDK + `VsmctlProvider` (25% rollout) | {provider:.2f} µs | {provider / in_memory:.2f}x | "
        f"≤ 1.2x: {'met' if provider <= 1.2 * in_memory else 'NOT met'} |",
        "",
        f"`python -c \"import vsmctl.flags\"`: {imp * 1000:.1f} ms against {base * 1000:.1f} ms for "
        f"`python -c pass` (median of 21): +{import_ms:.1f} ms "
        f"(target ≤ 15 ms: {'met' if import_ms <= 15 else 'NOT met'}).",
    ])
    record("flags", body)
    print(body)


if __name__ == "__main__":
    main()
