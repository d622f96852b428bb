"""The PostgreSQL parallel-run store at fleet scale, against a real server.

Targets (issue 13): 8 processes × 100,000 observations into one store with none lost (counted in
the database); the caller's cost per experiment unchanged by the store (PostgreSQL against SQLite,
interleaved); `parallel-run diff` over 10,000,000 stored observations under 10 s.

    python benchmarks/bench_parallel_postgres.py              # starts a throwaway server (initdb)
    VSMCTL_BENCH_POSTGRES=postgresql://... python benchmarks/bench_parallel_postgres.py

The 10,000,000 observations are written by SQL (generate_series) in the recorder's own layout:
9,000,000 matches in 900 batch rows with latency histograms, and 1,000,000 non-matches as one
row each (mismatches of 4 shapes, candidate exceptions, timeouts), so that the grouping in SQL
works on a million rows. Writing them through 10 million experiment calls would measure the
writer, which the first figure does.
"""

from __future__ import annotations

import multiprocessing
import os
import statistics
import sys
import tempfile
import time
import timeit
from pathlib import Path

from _common import machine, precompile, record, run_process

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the throwaway-server helper the tests use

PROCESSES, PER_PROCESS = 8, 100_000


def old(i: int) -> dict[str, object]:
    return {"quota": i % 100, "owner": "s3", "alloc": [i % 7, i % 11]}


def new(i: int) -> dict[str, object]:
    value = old(i)
    if i % 100 == 0:  # 1% mismatches of 2 shapes
        if i % 200:
            value["quota"] = -1
        else:
            value["alloc"] = [0, 0]
    return value


def writer(url: str, n: int, out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    from vsmctl.parallel import experiment
    from vsmctl.parallel.postgres_store import PostgresRecorder

    rec = PostgresRecorder(url, interval=0.5)
    run = experiment("fleet", candidate=new, recorder=rec)(old)
    start = time.perf_counter()
    for i in range(n):
        run(i)
    calls = time.perf_counter() - start
    rec.flush(timeout=300)
    out.put((rec.written, rec.dropped, calls, time.perf_counter() - start))


def fleet(url: str) -> dict[str, float]:
    from vsmctl.parallel.postgres_store import connect

    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    start = time.perf_counter()
    procs = [ctx.Process(target=writer, args=(url, PER_PROCESS, out)) for _ in range(PROCESSES)]
    for p in procs:
        p.start()
    results = [out.get(timeout=600) for _ in procs]
    for p in procs:
        p.join(60)
    wall = time.perf_counter() - start
    with connect(url) as conn:
        batched = conn.execute("SELECT coalesce(sum(count), 0) FROM vsmctl.batches WHERE experiment = 'fleet'"
                               ).fetchone()[0]
        rows = conn.execute("SELECT count(*) FROM vsmctl.observations WHERE experiment = 'fleet'").fetchone()[0]
    return {"written": sum(r[0] for r in results), "dropped": sum(r[1] for r in results),
            "stored": int(batched) + int(rows), "wall": wall,
            "calls_us": statistics.median(r[2] for r in results) / PER_PROCESS * 1e6}


def caller_cost(url: str, folder: Path, rounds: int = 7) -> tuple[float, float, float]:
    """µs per experiment call (recording on) into SQLite and into PostgreSQL, interleaved rounds."""
    from vsmctl.parallel import SQLiteRecorder, experiment
    from vsmctl.parallel.postgres_store import PostgresRecorder

    pg, lite = PostgresRecorder(url), SQLiteRecorder(folder / "cost.sqlite")
    on_pg = experiment("cost", candidate=new, recorder=pg)(old)
    on_lite = experiment("cost", candidate=new, recorder=lite)(old)
    times: dict[str, list[float]] = {"sqlite": [], "postgres": []}
    for _ in range(rounds):
        for name, fn, rec in (("sqlite", on_lite, lite), ("postgres", on_pg, pg)):
            rec.flush(60)
            args = iter(range(10**9))
            times[name].append(timeit.timeit(lambda fn=fn, args=args: fn(next(args)), number=50_000) / 50_000 * 1e6)
    ratio = statistics.median(p / s for p, s in zip(times["postgres"], times["sqlite"], strict=True))
    return statistics.median(times["sqlite"]), statistics.median(times["postgres"]), ratio


def ten_million(url: str) -> tuple[float, int]:
    from vsmctl.parallel.postgres_store import connect, migrate

    with connect(url) as conn:
        migrate(conn)
        conn.execute("DELETE FROM vsmctl.batches WHERE experiment = 'big'")
        conn.execute("DELETE FROM vsmctl.observations WHERE experiment = 'big'")
        # 900 batches of 10,000 matches; latencies spread over buckets 150..165 (about 0.3-0.6 ms)
        conn.execute("""
            INSERT INTO vsmctl.batches (experiment, candidate, first_time, last_time, count, control_hist,
                                        candidate_hist)
            SELECT 'big', 'new', 1.7e9 + b, 1.7e9 + b + 1, 10000,
                   (SELECT array_agg(CASE WHEN i BETWEEN 150 AND 159 THEN 1000 ELSE 0 END ORDER BY i)
                      FROM generate_series(0, 511) i),
                   (SELECT array_agg(CASE WHEN i BETWEEN 152 AND 161 THEN 1000 ELSE 0 END ORDER BY i)
                      FROM generate_series(0, 511) i)
              FROM generate_series(1, 900) b""")
        conn.execute("""
            INSERT INTO vsmctl.observations (experiment, time, candidate, status, control_ns, candidate_ns,
                   control_bucket, candidate_bucket, shape, control_value, candidate_value, candidate_error,
                   error_type)
            SELECT 'big', 1.7e9 + n / 1000.0, 'new',
                   CASE WHEN n % 50 = 0 THEN 'timeout' ELSE 'mismatch' END,
                   400000 + n % 1000, 450000 + n % 1000, 154, 155,
                   CASE WHEN n % 10 = 1 THEN '["<exception>"]' ELSE (ARRAY['["$.quota"]', '["$.alloc[*]"]',
                        '["$.alloc[*]", "$.quota"]', '["$.owner"]'])[n % 4 + 1] END,
                   '{"alloc": [1, 2], "owner": "s3", "quota": ' || (n % 100) || '}',
                   '{"alloc": [2, 1], "owner": "s4", "quota": ' || (n % 100 + 1) || '}',
                   CASE WHEN n % 10 = 1 THEN 'ZeroDivisionError: new code' END,
                   CASE WHEN n % 10 = 1 THEN 'ZeroDivisionError' END
              FROM generate_series(1, 1000000) n""")
        conn.execute("ANALYZE vsmctl.observations")
        conn.execute("ANALYZE vsmctl.batches")
        stored = conn.execute("SELECT (SELECT sum(count) FROM vsmctl.batches WHERE experiment = 'big') + "
                              "(SELECT count(*) FROM vsmctl.observations WHERE experiment = 'big')").fetchone()[0]
    runs = [run_process([sys.executable, "-m", "vsmctl", "parallel-run", "diff", "big", "--json", "--store", url]
                        ).seconds for _ in range(3)]
    return statistics.median(runs), int(stored)


def main() -> None:
    precompile()
    url = os.environ.get("VSMCTL_BENCH_POSTGRES")
    server = None
    if url is None:
        from postgres_server import postgres_server_at

        server = postgres_server_at()
        url = next(server).new_database()
    try:
        folder = Path(tempfile.mkdtemp())
        lite_us, pg_us, ratio = caller_cost(url, folder)
        figures = fleet(url)
        diff_s, stored = ten_million(url)
    finally:
        if server is not None:
            server.close()
    lost = PROCESSES * PER_PROCESS - figures["stored"]
    body = "\n".join([
        "## Parallel run into PostgreSQL (issue 13)",
        "",
        f"Command: `python benchmarks/bench_parallel_postgres.py` (a throwaway PostgreSQL 15 cluster, unix socket, "
        f"fsync off); machine: {machine()}, shared with other work.",
        "",
        "| what | figure | target |",
        "|---|---|---|",
        f"| {PROCESSES} processes × {PER_PROCESS:,} experiment calls (1% mismatches) into one store | "
        f"{figures['stored']:,} stored (counted in the database), {figures['written']:,} written, "
        f"{figures['dropped']:,} dropped, {lost:,} lost; {figures['wall']:.1f} s wall | none lost: "
        f"{'met' if lost == 0 and figures['dropped'] == 0 else 'NOT met'} |",
        f"| caller's cost per experiment call (one argument), recording into PostgreSQL / into SQLite | "
        f"{pg_us:.2f} µs / "
        f"{lite_us:.2f} µs = {ratio:.2f} (median of 7 interleaved rounds of 50,000 calls) | unchanged: "
        f"{'met' if ratio <= 1.1 else 'NOT met'} |",
        f"| `vsmctl parallel-run diff big --store postgresql://...` over {stored:,} observations (9,000,000 "
        f"matches in 900 batches, 1,000,000 other rows) | {diff_s:.2f} s (median of 3, whole process) | "
        f"< 10 s: {'met' if diff_s < 10 else 'NOT met'} |",
    ])
    record("parallel-postgres", body)
    print(body)


if __name__ == "__main__":
    main()
