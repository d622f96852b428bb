"""Everything the migration's status is computed from, read once: git (the extraction branches),
the event log (flags, extraction events), the parallel-run store, and one analysis of the
monolith (its boundary check and what each package imports). Nothing here is stored anywhere.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from vsmctl.errors import InputError, VsmError
from vsmctl.events import Event
from vsmctl.gates.evaluate import FlagEvent, ParallelFigures
from vsmctl.gates.evidence import figures_of, parallel_report, parallel_store
from vsmctl.migration.cache import StatusCache, sqlite_fingerprint
from vsmctl.roadmap.loader import load_roadmap
from vsmctl.roadmap.model import Roadmap
from vsmctl.strangler.state import ExtractionState
from vsmctl.workspace import Workspace


@dataclass(frozen=True)
class Analysis:
    """The monolith's analysis with the roadmap (None when it could not run, with the reason)."""

    report: Any | None  # AnalysisReport
    check: Any | None  # CheckResult
    problem: str | None = None
    # the report the check ran on: `report` with the extracted packages' code merged back under
    # its old names (analysis/moved_code.py); `report` alone is what planning reads
    checked: Any | None = None


@dataclass(frozen=True)
class Facts:
    root: Path
    roadmap: Roadmap
    states: dict[str, ExtractionState]
    flags: dict[str, tuple[FlagEvent, ...]]
    extract_events: dict[str, Event]  # the last extraction event of each package in this checkout's log
    parallel: dict[str, ParallelFacts]  # by experiment
    analysis: Analysis


def roadmap_at(root: Path, roadmap_path: Path | None) -> Roadmap:
    from vsmctl.roadmap.resolve import find_roadmap

    path = find_roadmap(root, roadmap_path, required=True)
    assert path is not None
    return load_roadmap(path)


def extraction_states(root: Path) -> dict[str, ExtractionState]:
    from vsmctl.strangler.runner import Extraction

    return {s.name: s for s in Extraction(root).all_states()}


TIMELINE_STEPS = 6  # rollout steps whose match rate the dashboard shows


@dataclass(frozen=True)
class ParallelFacts:
    figures: ParallelFigures | None
    problem: str | None
    timeline: tuple[tuple[str, int, float], ...] = ()  # (step start, samples, match rate) per rollout step


def parallel_facts(root: Path, flags: dict[str, tuple[FlagEvent, ...]], experiments: list[str],
                   cache: StatusCache) -> dict[str, ParallelFacts]:
    """Each experiment's figures (an experiment the store does not hold: no entry), exact, from the
    cache while the store holds the same observations of it."""
    from vsmctl.parallel.store_choice import is_postgres_url
    from vsmctl.parallel.store_reports import experiments as stored

    store = parallel_store(root)
    if not is_postgres_url(store) and not Path(store).exists():
        return {}
    try:
        present = set(stored(store))
    except VsmError as exc:
        return {name: ParallelFacts(None, str(exc)) for name in experiments}
    return {name: _experiment_facts(store, name, flags.get(name, ()), cache) for name in experiments
            if name in present}


def _experiment_facts(store: Any, name: str, history: tuple[FlagEvent, ...], cache: StatusCache) -> ParallelFacts:
    from vsmctl.parallel.store_choice import is_postgres_url

    fingerprint = None if is_postgres_url(store) else sqlite_fingerprint(Path(store), name)
    cached = cache.parallel(name, fingerprint) if fingerprint is not None else {}
    if "figures" in cached:
        figures, problem = (ParallelFigures(*cached["figures"]), None) if cached["figures"] else \
            (None, "no parallel-run observations yet")
    else:
        report, problem = parallel_report(store, name)
        figures = figures_of(report) if report is not None else None
        if fingerprint is not None and problem in (None, "no parallel-run observations yet"):
            cache.keep_parallel(name, fingerprint, figures=list(astuple(figures)) if figures is not None else [])
    if figures is None or fingerprint is None or not history:
        return ParallelFacts(figures, problem)
    starts = [event.time for event in history[-TIMELINE_STEPS:]]
    timeline = cached.get("timeline") if cached.get("starts") == starts else None
    if timeline is None:
        from vsmctl.parallel.report import match_timeline

        seconds = [datetime.fromisoformat(t.replace("Z", "+00:00")).timestamp() for t in starts]
        timeline = [[t, n, rate] for t, (_, n, rate) in zip(starts, match_timeline(Path(store), name, seconds),
                                                             strict=True)]
        cache.keep_parallel(name, fingerprint, starts=starts, timeline=timeline)
    return ParallelFacts(figures, problem, tuple((str(t), int(n), float(r)) for t, n, r in timeline))


def analyze(roadmap: Roadmap, states: dict[str, ExtractionState]) -> Analysis:
    """The monolith's analysis (cached by file content) and its boundary check, or why not. The
    check also reads the code extractions moved out of the monolith folder."""
    from vsmctl.analysis.moved_merge import with_moved_code
    from vsmctl.analysis.report import analyze_monolith, build_report
    from vsmctl.check.service import check_report
    from vsmctl.strangler.moved import moved_code

    if roadmap.path is None or not roadmap.monolith:
        return Analysis(None, None, "the roadmap names no `monolith` folder: no boundary check")
    folder = roadmap.path.parent / roadmap.monolith
    if not folder.is_dir():
        return Analysis(None, None, f"the monolith folder {roadmap.monolith} is gone: nothing left to analyze")
    # status only reads: the analysis cache is used where `.vsm/` ignores it already, never
    # created (a new `.vsm/.gitignore` would leave the tree dirty and stop the next extraction)
    use_cache = (Workspace.at(folder).vsm_dir / ".gitignore").is_file()
    try:
        report = analyze_monolith(folder, roadmap, use_cache=use_cache)
        moved = moved_code(roadmap.path.parent, list(states.values()))
        checked = build_report(with_moved_code(report.graph, moved), roadmap) if moved else report
        return Analysis(report, check_report(checked, roadmap, folder), checked=checked)
    except VsmError as exc:
        return Analysis(None, None, f"the analysis failed: {exc.message}")


def gather(root: Path, roadmap_path: Path | None = None, with_analysis: bool = True) -> Facts:
    if not Path(root).is_dir():
        raise InputError(f"--workspace {root}: no such folder")
    workspace = Workspace.at(root)
    roadmap = roadmap_at(workspace.root, roadmap_path)
    cache = StatusCache(workspace.root)
    log = cache.log_projection()
    flags = log.histories()
    experiments = [f"extract.{name}" for name in roadmap.names]
    states = extraction_states(workspace.root)
    facts = Facts(root=workspace.root, roadmap=roadmap, states=states,
                  flags=flags, extract_events=log.extract_events(),
                  parallel=parallel_facts(workspace.root, flags, experiments, cache),
                  analysis=analyze(roadmap, states) if with_analysis else Analysis(None, None, "not asked for"))
    cache.save()
    return facts
