"""`parallel-run diff` and `gate`: what the observations say, per experiment (CLI side)."""

from __future__ import annotations

import json
import re
import sqlite3
import time
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from vsmctl.errors import InputError
from vsmctl.parallel.diffing import differences
from vsmctl.parallel.diffing import shape as shape_of
from vsmctl.parallel.replay import SECONDARY

EXAMPLES = 3


@dataclass(frozen=True)
class Example:
    control: Any
    candidate: Any
    differences: tuple[tuple[str, Any, Any], ...]
    context: Any = None


@dataclass(frozen=True)
class ShapeGroup:
    paths: tuple[str, ...]
    count: int
    examples: tuple[Example, ...]


@dataclass(frozen=True)
class Latency:
    p50: float
    p95: float
    p99: float  # milliseconds


@dataclass(frozen=True)
class ExperimentReport:
    experiment: str
    samples: int
    matches: int
    mismatches: int
    ignored: int
    noise: int
    timeouts: int
    compare_errors: int
    errors: dict[str, int]  # candidate exception type -> count
    shapes: tuple[ShapeGroup, ...]
    noise_paths: tuple[str, ...]
    control: Latency | None
    candidate: Latency | None
    first: float | None
    last: float | None
    secondary_samples: int = 0
    ratio: dict[str, float] = field(default_factory=dict)
    skipped: int = 0  # candidate runs skipped: their arguments could not be deep-copied (not samples)

    @property
    def match_rate(self) -> float:
        """Percent of samples that matched, counting known (ignored) and noise differences as matches."""
        if not self.samples:
            return 0.0
        return round(100.0 * (self.matches + self.ignored + self.noise) / self.samples, 3)


def parse_since(text: str | None) -> float | None:
    if text is None:
        return None
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd])\s*", text)
    if m:
        return time.time() - float(m[1]) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[m[2]]
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(
            f"--since: '{text}' is neither a duration (30m, 2h, 7d) nor a time (2026-11-26T10:00:00Z)"
        ) from None
    return moment.timestamp()


def _connect(database: Path) -> sqlite3.Connection:
    if not database.exists():
        raise InputError(f"{database}: no parallel-run observations yet (run an experiment or `parallel-run run`)")
    try:
        db = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        db.execute("SELECT 1 FROM observations LIMIT 1")
    except sqlite3.Error as exc:
        raise InputError(f"{database}: not a parallel-run database ({exc})") from None
    return db


def experiments(database: Path) -> list[str]:
    db = _connect(database)
    names = {r[0] for r in db.execute("SELECT DISTINCT experiment FROM observations")}
    names |= {r[0] for r in db.execute("SELECT DISTINCT experiment FROM batches")}
    return sorted(names)


def _percentiles(runs: list[array]) -> Latency | None:
    """p50, p95 and p99 in milliseconds, exact: `sorted(all durations)[int(q * n)]`."""
    from vsmctl.parallel.sorted_runs import as_sorted_runs, ranks_of

    ordered = as_sorted_runs(runs)
    n = sum(map(len, ordered))
    if not n:
        return None
    values = ranks_of(ordered, [min(n - 1, int(q * n)) for q in (0.50, 0.95, 0.99)])
    return Latency(*(round(v / 1e6, 4) for v in values))


class _Query:
    """The observations of one experiment since a moment (the secondary's own rows set apart)."""

    def __init__(self, db: sqlite3.Connection, experiment: str, since: float | None) -> None:
        self.db = db
        self.where = "experiment = ? AND time >= ?"
        self.args: tuple[Any, ...] = (experiment, since if since is not None else float("-inf"))

    def rows(self, select: str, condition: str, *extra: Any) -> list[Any]:
        """`select` over the candidates' observations (not the secondary's) matching `condition`."""
        sql = f"SELECT {select} FROM observations WHERE {self.where} AND candidate != ? {condition}"
        return self.db.execute(sql, (*self.args, SECONDARY, *extra)).fetchall()


def report(database: Path, experiment: str, since: float | None = None) -> ExperimentReport:
    q = _Query(_connect(database), experiment, since)
    noise_paths, secondary_samples = _noise(q)
    batched = q.db.execute("SELECT COALESCE(SUM(count), 0), MIN(first_time), MAX(last_time) FROM batches "
                           "WHERE experiment = ? AND last_time >= ?", q.args).fetchone()
    first_last = q.db.execute(f"SELECT MIN(time), MAX(time) FROM observations WHERE {q.where}", q.args).fetchone()
    shapes, noise = group_shapes(q.rows("shape, COUNT(*)", "AND status = 'mismatch' GROUP BY shape"), noise_paths,
                                 lambda shape, limit: q.rows("control_value, candidate_value, context",
                                                             "AND status = 'mismatch' AND shape IS ? LIMIT ?",
                                                             shape, limit))
    errors = dict(q.rows("error_type, COUNT(*)", "AND error_type IS NOT NULL GROUP BY error_type "
                         "ORDER BY COUNT(*) DESC"))
    control_lat, candidate_lat = _latencies(q)
    return assemble_report(experiment, counts=dict(q.rows("status, COUNT(*)", "GROUP BY status")), batched=batched,
                           first_last=first_last, shapes=shapes, noise=noise, errors=errors, control=control_lat,
                           candidate=candidate_lat, noise_paths=noise_paths, secondary_samples=secondary_samples)


def assemble_report(experiment: str, *, counts: dict[str, int], batched: tuple[Any, Any, Any],
                    first_last: tuple[Any, Any], shapes: list[ShapeGroup], noise: int, errors: dict[str, int],
                    control: Latency | None, candidate: Latency | None, noise_paths: set[str],
                    secondary_samples: int) -> ExperimentReport:
    """The report from what either store (SQLite here, PostgreSQL in postgres_report) summed up:
    counts per status of the candidates' rows, the batches' (count, first, last), the rows' (first, last)."""
    firsts = [v for v in (batched[1], first_last[0]) if v is not None]
    lasts = [v for v in (batched[2], first_last[1]) if v is not None]
    ratio = {}
    if control and candidate:
        for name in ("p50", "p95", "p99"):
            base = getattr(control, name)
            ratio[name] = round(getattr(candidate, name) / base, 3) if base else float("inf")
    matches = int(batched[0]) + counts.get("match", 0)
    samples = matches + sum(counts.get(s, 0) for s in ("mismatch", "ignored", "timeout", "compare_error"))
    return ExperimentReport(
        experiment=experiment, samples=samples, matches=matches, mismatches=counts.get("mismatch", 0) - noise,
        ignored=counts.get("ignored", 0), noise=noise, timeouts=counts.get("timeout", 0),
        compare_errors=counts.get("compare_error", 0), errors=errors, shapes=tuple(shapes),
        noise_paths=tuple(sorted(noise_paths)), control=control, candidate=candidate,
        first=min(firsts) if firsts else None, last=max(lasts) if lasts else None,
        secondary_samples=secondary_samples, ratio=ratio, skipped=counts.get("skipped", 0),
    )


def _noise(q: _Query) -> tuple[set[str], int]:
    """What differs between the control and its secondary (noise), and how often it ran."""
    noise_paths = noise_of(q.db.execute(f"SELECT DISTINCT shape FROM observations WHERE {q.where} AND candidate = ? "
                                        "AND status = 'mismatch' AND shape IS NOT NULL", (*q.args, SECONDARY)))
    secondary_samples = q.db.execute(f"SELECT COUNT(*) FROM observations WHERE {q.where} AND candidate = ?",
                                     (*q.args, SECONDARY)).fetchone()[0]
    return noise_paths, secondary_samples


def noise_of(secondary_shapes: Iterable[tuple[str]]) -> set[str]:
    """The field paths in the stored shapes (JSON lists) of the secondary's mismatches."""
    paths: set[str] = set()
    for (shape,) in secondary_shapes:
        paths.update(json.loads(shape))
    paths.discard("<exception>")
    return paths


def group_shapes(shape_counts: Iterable[tuple[str | None, int]], noise_paths: set[str],
                 fetch: Callable[[str | None, int], Iterable[tuple[Any, Any, Any]]]) -> tuple[list[ShapeGroup], int]:
    """Mismatches grouped by the fields that differ, noise fields left out; a mismatch whose only
    differences are noise is counted as noise. `fetch(shape, n)`: n stored (control, candidate,
    context) JSON triples of mismatches of that stored shape."""
    grouped: dict[tuple[str, ...], list[Any]] = {}
    noise = 0
    for shape, count in shape_counts:
        paths = tuple(json.loads(shape)) if shape else ("$",)
        real = tuple(p for p in paths if p not in noise_paths)
        if not real:
            noise += count
            continue
        grouped.setdefault(real, []).append((shape, count))
    shapes = [ShapeGroup(real, sum(c for _s, c in stored), _examples(stored, noise_paths, fetch))
              for real, stored in grouped.items()]
    shapes.sort(key=lambda g: (-g.count, g.paths))
    return shapes, noise


def _examples(stored: list[Any], noise_paths: set[str],
              fetch: Callable[[str | None, int], Iterable[tuple[Any, Any, Any]]]) -> tuple[Example, ...]:
    examples: list[Example] = []
    for shape, _count in stored:
        if len(examples) >= EXAMPLES:
            break
        for cv, dv, ctx in fetch(shape, EXAMPLES - len(examples)):
            control, candidate = json.loads(cv) if cv else None, json.loads(dv) if dv else None
            diffs = tuple(d for d in differences(control, candidate, limit=20) if shape_of(d[0]) not in noise_paths)
            examples.append(Example(control, candidate, diffs, json.loads(ctx) if ctx else None))
    return tuple(examples)


def _latencies(q: _Query) -> tuple[Latency | None, Latency | None]:
    """Each batch's durations as a run of its own (stored sorted), the single rows as one more."""
    control_runs: list[array] = []
    candidate_runs: list[array] = []
    for cblob, dblob in q.db.execute("SELECT control_ns, candidate_ns FROM batches WHERE experiment = ? "
                                     "AND last_time >= ?", q.args):
        control_runs.append(array("q", cblob))
        candidate_runs.append(array("q", dblob))
    rows = q.rows("control_ns, candidate_ns", "AND status != 'timeout'")
    control_runs.append(array("q", sorted(cns or 0 for cns, _ in rows)))
    candidate_runs.append(array("q", sorted(dns or 0 for _, dns in rows)))
    return _percentiles(control_runs), _percentiles(candidate_runs)


@dataclass(frozen=True)
class GateResult:
    passed: bool
    checks: tuple[tuple[str, bool, str], ...]  # (name, held, detail)
    report: ExperimentReport


def gate(database: Path, experiment: str, min_match: float | None, max_latency_ratio: float | None,
         min_samples: int | None, since: float | None = None) -> GateResult:
    return judge(report(database, experiment, since), min_match, max_latency_ratio, min_samples)


def judge(rep: ExperimentReport, min_match: float | None, max_latency_ratio: float | None,
          min_samples: int | None) -> GateResult:
    """The gate's thresholds held against a report, whichever store it came from."""
    checks = []
    if min_samples is not None:
        checks.append(("samples", rep.samples >= min_samples, f"{rep.samples} samples, at least {min_samples} needed"))
    if min_match is not None:
        checks.append(("match rate", rep.samples > 0 and rep.match_rate >= min_match,
                       f"{rep.match_rate}% matched, at least {min_match}% needed"))
    if max_latency_ratio is not None:
        ratio = rep.ratio.get("p95")
        held = ratio is not None and ratio <= max_latency_ratio
        checks.append(("latency", held, f"candidate p95 / control p95 = {ratio}, at most {max_latency_ratio} allowed"))
    if not checks:
        raise InputError("give at least one threshold: --min-match, --max-latency-ratio or --min-samples")
    return GateResult(all(c[1] for c in checks), tuple(checks), rep)


def match_timeline(database: Path, experiment: str, starts: list[float]) -> list[tuple[float, int, float]]:
    """(start, samples, match rate in percent) of the observations from each start to the next: the
    match rate at each step of a rollout. Known (ignored) differences count as matches; noise is
    not told apart here (`report` does that over the whole run)."""
    from itertools import pairwise

    db = _connect(database)
    timeline = []
    for start, end in pairwise([*starts, float("inf")]):
        batched = db.execute("SELECT COALESCE(SUM(count), 0) FROM batches WHERE experiment = ? AND first_time >= ? "
                             "AND first_time < ?", (experiment, start, end)).fetchone()[0]
        counts = dict(db.execute("SELECT status, COUNT(*) FROM observations WHERE experiment = ? AND time >= ? "
                                 "AND time < ? AND candidate != ? AND status != 'skipped' GROUP BY status",
                                 (experiment, start, end, SECONDARY)).fetchall())
        samples = int(batched) + sum(counts.values())
        matched = int(batched) + counts.get("match", 0) + counts.get("ignored", 0)
        timeline.append((start, samples, round(100.0 * matched / samples, 3) if samples else 0.0))
    return timeline
