"""The PostgreSQL store against a real server (Debian's postgresql, a throwaway cluster): schema,
batched COPY from many processes, diff and gate in SQL equal to SQLite's, a store that is down."""

import contextlib
import json
import logging
import multiprocessing
import time

import pytest
from conftest import run_cli
from postgres_server import postgres_server, postgres_url  # noqa: F401  (fixtures)

from vsmctl.parallel import experiment
from vsmctl.parallel.latency_histogram import bucket_of, bucket_value
from vsmctl.parallel.recorder import SQLiteRecorder

psycopg = pytest.importorskip("psycopg", reason="psycopg is the postgresql extra")

from vsmctl.parallel.postgres_report import report as pg_report  # noqa: E402
from vsmctl.parallel.postgres_store import MIGRATIONS, PostgresRecorder, connect, migrate  # noqa: E402
from vsmctl.parallel.report import report as sqlite_report  # noqa: E402


def old(x):
    if x % 50 == 49:
        raise KeyError(x)
    return {"id": x, "total": x * 2, "items": [x, x + 1]}


def new(x):
    if x % 100 == 99:
        raise ZeroDivisionError("new code")
    out = {"id": x, "total": x * 2 + (1 if x % 10 == 7 else 0), "items": [x, x + 1]}
    if x % 25 == 3:
        out["items"] = [x + 1, x]
    return out


def feed(recorder, n, name="calc"):
    """n real experiment calls: matches, two mismatch shapes, exceptions on either side."""
    run = experiment(name, candidate=new, recorder=recorder)(old)
    for x in range(n):
        with contextlib.suppress(KeyError):  # the control's own exceptions reach the caller
            run(x)
    assert recorder.flush(30)


def test_schema_is_created_once_and_migrated(postgres_url):  # noqa: F811
    with connect(postgres_url) as conn:
        assert migrate(conn) == len(MIGRATIONS)
        assert migrate(conn) == len(MIGRATIONS)  # a second run changes nothing
        versions = conn.execute("SELECT version FROM vsmctl.schema_version ORDER BY version").fetchall()
        assert [v for (v,) in versions] == list(range(1, len(MIGRATIONS) + 1))
        tables = {r[0] for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'vsmctl'")}
        assert tables == {"batches", "observations", "schema_version"}


def test_diff_in_sql_equals_sqlite(postgres_url, tmp_path):  # noqa: F811
    pg = PostgresRecorder(postgres_url, interval=0.05)
    lite = SQLiteRecorder(tmp_path / "obs.sqlite", interval=0.05)
    feed(pg, 3000)
    feed(lite, 3000)
    assert pg.dropped == 0 and pg.written == 3000
    ours, theirs = pg_report(postgres_url, "calc"), sqlite_report(tmp_path / "obs.sqlite", "calc")
    for field in ("samples", "matches", "mismatches", "ignored", "noise", "timeouts", "compare_errors", "errors"):
        assert getattr(ours, field) == getattr(theirs, field), field
    assert [(g.paths, g.count) for g in ours.shapes] == [(g.paths, g.count) for g in theirs.shapes]
    assert ours.samples == 3000 and ours.errors == {"ZeroDivisionError": 30}  # the candidate's exceptions
    assert {g.paths for g in ours.shapes} >= {("$.total",), ("$.items[*]",)}
    assert all(len(g.examples) >= 1 and g.examples[0].control is not None for g in ours.shapes
               if g.paths != ("<exception>",))
    # latency from histograms: a percentile is within 1/16 of the exact one, timings differ per run,
    # so compare the histogram's answer with the exact percentile of the same stored durations
    with connect(postgres_url) as conn:
        stored = conn.execute("SELECT count(*), sum(count) FROM vsmctl.batches").fetchone()
        assert stored[0] >= 1 and stored[1] == ours.matches
    assert ours.control is not None and ours.control.p50 > 0 and set(ours.ratio) == {"p50", "p95", "p99"}


def test_percentiles_from_histograms_are_within_a_sixteenth():
    from vsmctl.parallel.latency_histogram import percentile

    durations = [int(1000 * 1.01 ** i) for i in range(900)]
    counts: dict[int, int] = {}
    for d in durations:
        counts[bucket_of(d)] = counts.get(bucket_of(d), 0) + 1
    ordered = sorted(durations)
    for q in (0.5, 0.95, 0.99):
        exact = ordered[int(q * len(ordered))]
        assert abs(percentile(counts, q) - exact) <= exact / 16
    assert bucket_value(bucket_of(12345)) == pytest.approx(12345, rel=1 / 16)


def _writer(url, n, name):
    feed(PostgresRecorder(url, interval=0.1), n, name)


def test_many_processes_into_one_store_none_lost(postgres_url):  # noqa: F811
    ctx = multiprocessing.get_context("spawn")  # a new interpreter each, as on separate hosts
    procs = [ctx.Process(target=_writer, args=(postgres_url, 4000, "fleet")) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    rep = pg_report(postgres_url, "fleet")
    assert rep.samples == 16_000
    with connect(postgres_url) as conn:
        batched = conn.execute("SELECT sum(count) FROM vsmctl.batches WHERE experiment = 'fleet'").fetchone()[0]
        rows = conn.execute("SELECT count(*) FROM vsmctl.observations WHERE experiment = 'fleet'").fetchone()[0]
    assert batched + rows == 16_000


def test_store_down_never_slows_or_fails_the_caller(tmp_path, caplog):
    (tmp_path / "sock").mkdir()
    down = PostgresRecorder(f"postgresql://nobody@/nothing?host={tmp_path / 'sock'}", interval=0.02, retry=60)
    lite = SQLiteRecorder(tmp_path / "obs.sqlite", interval=0.02)
    calls = 3000
    start = time.perf_counter()
    feed(down, calls)
    with_down = time.perf_counter() - start
    start = time.perf_counter()
    feed(lite, calls)
    with_sqlite = time.perf_counter() - start
    assert down.written == 0 and down.dropped == calls  # every observation counted as dropped
    assert down._queue.qsize() == 0  # nothing kept waiting for the store
    lines = [r.message for r in caplog.records if "parallel-run store" in r.message]
    assert len(lines) == 1 and "observations dropped" in lines[0]
    assert with_down < with_sqlite * 3 + 0.5, (with_down, with_sqlite)


def test_store_refusing_writes_drops_and_counts(postgres_url, caplog):  # noqa: F811
    with connect(postgres_url) as conn:
        migrate(conn)
        database = conn.info.dbname
        conn.execute(f"ALTER DATABASE {database} SET default_transaction_read_only = on")
    rec = PostgresRecorder(postgres_url, interval=0.02, retry=0)
    feed(rec, 500)
    assert rec.written == 0 and rec.dropped == 500
    assert sum("read-only" in r.message for r in caplog.records if r.levelno >= logging.WARNING) == 1


def test_cli_run_diff_gate_with_store_and_environment(postgres_url, tmp_path):  # noqa: F811
    (tmp_path / ".git").mkdir()
    (tmp_path / "impls.py").write_text(
        "def old(x):\n    return {'total': x['a'] + x['b']}\n\n"
        "def new(x):\n    return {'total': x['a'] + x['b'] + (1 if x['a'] == 7 else 0)}\n")
    (tmp_path / "inputs.jsonl").write_text("".join(json.dumps({"a": a, "b": b}) + "\n"
                                                   for a in range(10) for b in range(10)))
    env = {"PYTHONPATH": str(tmp_path)}

    def pr(*args, **extra):
        return run_cli("parallel-run", *args, cwd=tmp_path, env={**env, **extra})

    result = pr("run", "sum", "--inputs", "inputs.jsonl", "--control", "impls:old", "--candidate", "impls:new",
                "--store", postgres_url)
    assert result.returncode == 0, result.stderr
    doc = json.loads(pr("diff", "sum", "--json", "--store", postgres_url).stdout)
    [rep] = doc["experiments"]
    assert (rep["samples"], rep["matches"], rep["mismatches"]) == (100, 90, 10)
    assert [g["paths"] for g in rep["shapes"]] == [["$.total"]]
    assert rep["shapes"][0]["examples"][0]["context"]["input"]["a"] == 7
    # the environment names the store for code and CLI alike
    via_env = pr("gate", "sum", "--min-match", "89", VSMCTL_PARALLEL_STORE=postgres_url)
    assert via_env.returncode == 0, via_env.stderr
    assert pr("gate", "sum", "--min-match", "95", "--store", postgres_url).returncode == 1
    empty = pr("gate", "nothing.here", "--min-match", "1", "--store", postgres_url)
    assert empty.returncode == 1 and "no observations for nothing.here" in empty.stderr
    # nothing on disk: the SQLite file was never made
    assert not (tmp_path / ".vsm" / "parallel-run.sqlite").exists()


def test_unreachable_store_is_one_line_for_the_cli(tmp_path):
    url = f"postgresql://nobody:secret@/nothing?host={tmp_path}"
    result = run_cli("parallel-run", "diff", "--store", url, cwd=tmp_path)
    assert result.returncode == 2 and "cannot open the parallel-run store" in result.stderr
    assert "secret" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_code_records_into_the_store_the_environment_names(postgres_url, tmp_path):  # noqa: F811
    import os
    import subprocess
    import sys

    code = ("from vsmctl.parallel import experiment, default_recorder\n"
            "run = experiment('env.exp', candidate=lambda x: x + (x == 3))(lambda x: x)\n"
            "for x in range(200): run(x)\n"
            "rec = default_recorder(); assert rec.flush(30)\n"
            "print(type(rec).__name__, rec.written, rec.dropped)\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True,
                         env={**os.environ, "VSMCTL_PARALLEL_STORE": postgres_url}).stdout
    assert out.split() == ["PostgresRecorder", "200", "0"]
    rep = pg_report(postgres_url, "env.exp")
    assert (rep.samples, rep.matches, rep.mismatches) == (200, 199, 1)
