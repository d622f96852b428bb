"""Parallel run: per-call overhead against `laboratory`, `diff` over a million observations, import cost.

Targets (issue 13): with trivial control and candidate, recording on, the caller's time at most
1/8 of laboratory's per-call time; sampled out, at most 1/30 of laboratory with `enabled()` False;
`parallel-run diff` over 1,000,000 observations under 5 s; `import vsmctl.parallel` at most
15 ms over `python -c pass`.

    python benchmarks/bench_parallel.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import timeit
from pathlib import Path

from _common import import_cost, machine, precompile, record, run_process

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def control() -> int:
    return 1


def candidate() -> int:
    return 1


def per_call(fn, calls: int) -> float:
    return timeit.timeit(fn, number=calls) / calls * 1e6


def subjects(folder: Path) -> dict[str, object]:
    """Zero-argument callables, each measuring one round (µs per call) of one subject."""
    import laboratory

    from vsmctl.parallel import SQLiteRecorder, experiment

    class Lab(laboratory.Experiment):
        def publish(self, result: object) -> None:
            pass

    class Off(Lab):
        def enabled(self) -> bool:
            return False

    def lab(cls: type) -> int:
        e = cls()
        e.control(control)
        e.candidate(candidate)
        return e.conduct()

    rec = SQLiteRecorder(folder / "overhead.sqlite")
    run = experiment("bench", candidate=candidate, recorder=rec)(control)
    off = experiment("bench", candidate=candidate, recorder=rec, sample=0)(control)

    def caller() -> float:
        rec.flush()
        return per_call(run, 100_000)

    def total(n: int = 100_000) -> float:
        # the whole cost: the calls and the background writer's work, until everything is committed
        rec.flush()
        start = time.perf_counter()
        for _ in range(n):
            run()
        rec.flush(timeout=120)
        return (time.perf_counter() - start) / n * 1e6

    return {"lab_on": lambda: per_call(lambda: lab(Lab), 20_000), "caller": caller, "total": total,
            "lab_off": lambda: per_call(lambda: lab(Off), 20_000), "off": lambda: per_call(off, 500_000)}


def interleaved(folder: Path, rounds: int = 5) -> dict[str, list[float]]:
    """Every subject once per round, in turn: a noisy neighbour slows all of them alike."""
    measure = subjects(folder)
    times: dict[str, list[float]] = {name: [] for name in measure}
    for _ in range(rounds):
        for name, fn in measure.items():
            times[name].append(fn())  # type: ignore[operator]
    return times


def million(folder: Path) -> tuple[float, int]:
    """1,000,000 observations through the real recorder: 95% matches, 5% mismatches of 20 shapes."""
    from vsmctl.parallel import SQLiteRecorder, experiment

    db = folder / "million.sqlite"
    rec = SQLiteRecorder(db, interval=0.2)
    counter = iter(range(10**9))

    def old(i: int) -> dict[str, object]:
        return {"quota": i % 100, "owner": "s3", "alloc": [i % 7, i % 11]}

    def new(i: int) -> dict[str, object]:
        value = old(i)
        if i % 20 == 0:
            kind = (i // 20) % 20
            if kind < 10:
                value["quota"] = -kind
            else:
                value["alloc"] = [kind, kind]
        return value

    run = experiment("s3.allocate", candidate=new, recorder=rec)(old)
    for _ in range(1_000_000):
        run(next(counter))
    rec.flush(timeout=300)
    result = run_process([sys.executable, "-m", "vsmctl", "parallel-run", "diff", "--json", "--database", str(db)])
    return result.seconds, rec.written


def main() -> None:
    precompile()
    folder = Path(tempfile.mkdtemp())
    times = interleaved(folder)
    lab_on, caller, total, lab_off, off = (statistics.median(times[k])
                                           for k in ("lab_on", "caller", "total", "lab_off", "off"))

    def share(ours: str, theirs: str) -> float:
        """Median over rounds of ours / theirs (each round's pair shares the machine's state)."""
        return statistics.median(o / t for o, t in zip(times[ours], times[theirs], strict=True))

    caller_share, total_share, off_share = share("caller", "lab_on"), share("total", "lab_on"), share("off", "lab_off")
    diff_seconds, observations = million(folder)
    _base, _imp, import_ms = import_cost("vsmctl.parallel")

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    body = "\n".join([
        "## Parallel run (issue 13: raised targets)",
        "",
        f"Command: `python benchmarks/bench_parallel.py`; machine: {machine()}. Trivial control and candidate "
        "(`return 1`); per-call times are medians of 5 interleaved rounds and ratios the median of the per-round "
        "ratios; laboratory 1.0.2 publishes nowhere.",
        "",
        "| what | per call | vs laboratory | target |",
        "|---|---|---|---|",
        f"| laboratory `conduct()` | {lab_on:.2f} µs | 1 | |",
        f"| vsmctl `@experiment`, recording on: the caller's time | {caller:.2f} µs | 1/{1 / caller_share:.1f} | "
        f"≤ 1/8: {verdict(caller_share <= 1 / 8)} |",
        f"| the same, plus the background writer's work until committed to SQLite | {total:.2f} µs | "
        f"1/{1 / total_share:.1f} | (≤ 1/4 before) {verdict(total_share <= 1 / 4)} |",
        f"| laboratory with `enabled()` False | {lab_off:.2f} µs | 1 | |",
        f"| vsmctl sampled out (`sample=0`) | {off:.3f} µs | 1/{1 / off_share:.0f} | "
        f"≤ 1/30: {verdict(off_share <= 1 / 30)} |",
        "",
        f"`vsmctl parallel-run diff --json` over {observations:,} recorded observations (95% matches, 5% "
        f"mismatches of 20 shapes), whole process: {diff_seconds:.2f} s (target < 5 s: {verdict(diff_seconds < 5)}).",
        "",
        f"`python -c \"import vsmctl.parallel\"`: +{import_ms:.1f} ms over `python -c pass` "
        f"(target ≤ 15 ms: {verdict(import_ms <= 15)}).",
    ])
    record("parallel", body)
    print(body)


if __name__ == "__main__":
    main()
