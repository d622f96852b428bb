"""`vsmctl roadmap status` on a busy workspace: 10,000 events and 1,000,000 parallel-run observations.

The workspace is the example monolith in a git repository with the bundled roadmap, one real
extraction per approach (their branches and events), then 10,000 events in the log (cut-over
flags of every package flipped through rollout steps, as `vsmctl flag flip` writes them) and
1,000,000 observations in `.vsm/parallel-run.sqlite` written in the recorder's own layout (matches
in batches of packed timings, the rest one row each). The peer is what a user runs by hand
without `roadmap status`: `extract status`, `flag list` and `parallel-run diff` of each experiment.

    python benchmarks/bench_roadmap.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from array import array
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, median_run, precompile, record, run_process

EVENTS = 10_000
OBSERVATIONS = 1_000_000
BATCH = 1_000  # matches per batch row, as the recorder writes them
MISMATCH_SHARE = 0.002
NEW_EVENTS = 100
NEW_OBSERVATIONS = 10_000
FAST_TESTS = "python -c \"import sys; sys.exit(0)\""


def vsmctl(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, "-m", "vsmctl", *args], cwd=repo, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"vsmctl {' '.join(args)}: {result.stderr}")
    return result


def make_repo(folder: Path) -> Path:
    sys.path.append(str(ROOT / "tests"))  # the tests' repository maker (it needs no pytest)
    from git_repos import monolith_repo

    repo_dir = folder / "repo"
    text = (ROOT / "roadmap.yaml").read_text()
    text = text.replace("test_command: python -m pytest -q -p no:cacheprovider examples/vsm_monolith/tests",
                        f"test_command: {FAST_TESTS}")
    monolith_repo(repo_dir, text, user=("Bench", "bench@example.com"))
    vsmctl(repo_dir, "extract", "subsystem", "vsm-goldrush")
    vsmctl(repo_dir, "extract", "subsystem", "vsm-s4-intelligence", "--via", "abstraction")
    return repo_dir


def fill_events(repo: Path, count: int) -> None:
    """Flag events as `flag create` and `flag flip` write them, through the store's own log."""
    from vsmctl.events import EventLog, now_iso
    from vsmctl.flags import changes
    from vsmctl.roadmap.loader import load_roadmap
    from vsmctl.workspace import Workspace

    workspace = Workspace(repo)
    names = [f"extract.{p}" for p in load_roadmap(repo / "roadmap.yaml").names]
    log = EventLog(workspace.events_path)
    flags = {}
    from vsmctl.flags.store import FlagStore

    existing = FlagStore(workspace).current()
    items = []
    for i in range(count):
        name = names[i % len(names)]
        before = flags.get(name, existing.get(name))
        if before is None:
            after = changes.cutover_flag(name, name[len("extract."):], now_iso())
            action = "created"
        else:
            after = changes.flip(name, True, float((i // len(names)) % 10 * 10 + 10))(json.loads(json.dumps(before)))
            action = "flipped"
        items.append((f"flag.{action}", {"key": name, "action": action, "reason": "bench", "before": before,
                                         "after": after}))
        flags[name] = after
    for start in range(0, len(items), 1000):
        log.append_many(items[start:start + 1000], "bench")
    FlagStore(workspace).rebuild()


def fill_observations(repo: Path, count: int, experiments: list[str]) -> None:
    from vsmctl.parallel.recorder import INSERT_BATCH, INSERT_OBSERVATION, SCHEMA

    rng = random.Random(7)
    db = sqlite3.connect(repo / ".vsm" / "parallel-run.sqlite")
    db.executescript(SCHEMA)
    now = time.time()
    per_experiment = count // len(experiments)
    for name in experiments:
        mismatches = int(per_experiment * MISMATCH_SHARE)
        matches = per_experiment - mismatches
        rows = []
        for start in range(0, matches, BATCH):
            n = min(BATCH, matches - start)
            control = array("q", sorted(rng.randint(20_000, 60_000) for _ in range(n)))  # sorted, as the recorder
            candidate = array("q", sorted(rng.randint(18_000, 66_000) for _ in range(n)))
            rows.append((name, "candidate", now - 3600 + start, now - 3600 + start + 1, n, control.tobytes(),
                         candidate.tobytes()))
        db.executemany(INSERT_BATCH, rows)
        db.executemany(INSERT_OBSERVATION, [
            (name, now - i, "candidate", "mismatch", 40_000, 45_000, json.dumps(["$.level"]), json.dumps({"level": 1}),
             json.dumps({"level": 2}), None, None, None, None) for i in range(mismatches)])
        db.commit()
    db.close()


def in_process(repo: Path, repeat: int) -> float:
    from vsmctl.migration.status import migration_status

    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        migration_status(repo)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    precompile()
    with tempfile.TemporaryDirectory(prefix="vsmctl-bench-roadmap-") as scratch:
        repo = make_repo(Path(scratch))
        existing = len((repo / ".vsm" / "events.jsonl").read_text().splitlines())
        fill_events(repo, EVENTS - existing)
        experiments = ["extract.vsm-goldrush", "extract.vsm-s4-intelligence", "extract.vsm-telemetry",
                       "extract.vsm-s3-control"]
        fill_observations(repo, OBSERVATIONS, experiments)
        events = len((repo / ".vsm" / "events.jsonl").read_text().splitlines())
        doc = json.loads(vsmctl(repo, "roadmap", "status", "--json").stdout)
        samples = sum((p["parallel"] or {}).get("samples", 0) for ph in doc["phases"] for p in ph["packages"])
        status_argv = [sys.executable, "-m", "vsmctl", "roadmap", "status", "--json"]
        cache = repo / ".vsm" / "cache" / "roadmap-status.json"
        cold_runs = []
        for _ in range(args.repeat):  # no cache at all (a fresh clone): the whole log and store read
            cache.unlink(missing_ok=True)
            cold_runs.append(run_process(status_argv, repo))
        cold = median_run(cold_runs)
        fresh_runs = []
        for _ in range(args.repeat):  # the everyday case: new events and observations since the last status
            fill_events(repo, NEW_EVENTS)
            fill_observations(repo, NEW_OBSERVATIONS * len(experiments), experiments)
            fresh_runs.append(run_process(status_argv, repo))
        fresh = median_run(fresh_runs)
        status = median_run([run_process(status_argv, repo) for _ in range(args.repeat)])
        helped = median_run([run_process([sys.executable, "-m", "vsmctl", "--help"], repo)
                             for _ in range(args.repeat)])
        html = median_run([run_process([sys.executable, "-m", "vsmctl", "roadmap", "status", "--html",
                                        str(Path(scratch) / "d.html")], repo) for _ in range(args.repeat)])
        by_hand_commands = [["extract", "status", "--json"], ["flag", "list", "--json"],
                            *[["parallel-run", "diff", e, "--json"] for e in experiments]]
        by_hand = sum(median_run([run_process([sys.executable, "-m", "vsmctl", *c], repo)
                                  for _ in range(args.repeat)]).seconds for c in by_hand_commands)
        inside = in_process(repo, args.repeat)
    verdict = "met" if max(status.seconds, fresh.seconds, cold.seconds) < 1 else "NOT met"
    rows = [
        ("`vsmctl roadmap status --json`, no cache at all (a fresh clone: the whole log read, every "
         "experiment's figures computed)", cold),
        (f"`vsmctl roadmap status --json` after {NEW_EVENTS} new events and {NEW_OBSERVATIONS:,} new observations "
         "per experiment since the last status", fresh),
        ("`vsmctl roadmap status --json`, nothing new (the cache verified: log prefix hash, store fingerprints)",
         status),
        ("`vsmctl roadmap status --html FILE`, next runs", html),
    ]
    table = "\n".join(f"| {what} | {run.seconds:.2f} s | {run.max_rss_mb:.0f} MB |" for what, run in rows)
    body = "\n".join([
        "## roadmap status (issue: the migration as one plan)",
        "",
        f"Command: `python benchmarks/bench_roadmap.py --repeat {args.repeat}`; machine: CPython "
        f"{sys.version.split()[0]}, 2 cores. The workspace: the example monolith with the bundled roadmap, two real "
        f"extractions (one per approach), {events:,} events in `.vsm/events.jsonl`, {samples:,} parallel-run "
        f"observations in `.vsm/parallel-run.sqlite` (4 experiments, {MISMATCH_SHARE:.1%} mismatches; matches in "
        f"the recorder's batches, each column sorted as the recorder writes it). Whole processes, median of "
        f"{args.repeat}; the analysis cache warm. New events "
        "since the last status are read from where it stopped; an experiment whose observations changed is "
        "recomputed exactly.",
        "",
        "| what | wall time | peak RSS |",
        "|---|---|---|",
        table,
        f"| by hand: `extract status` + `flag list` + `parallel-run diff` of each experiment (sum) | "
        f"{by_hand:.2f} s | |",
        f"| `migration_status()` in-process, warm (no interpreter start-up) | {inside:.2f} s | |",
        "",
        f"- `roadmap status` < 1 s: {verdict} (no cache {cold.seconds:.2f} s, after new data {fresh.seconds:.2f} s, "
        f"nothing new {status.seconds:.2f} s). `vsmctl --help` in the same run: "
        f"{helped.seconds:.2f} s (the machine's load: compare with the analyze section's figure).",
    ]) + "\n"
    record("roadmap", body)
    print(body)


if __name__ == "__main__":
    main()
