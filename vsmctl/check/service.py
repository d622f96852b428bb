"""The `vsmctl check` service: run the boundary rules, and compare with the baseline (a ratchet).

The baseline (`.vsm/check-baseline.json`) records accepted violations by a key without line
numbers, so that edits elsewhere in a file do not turn them into new ones. A run fails only on
findings whose key is not recorded. Updating the baseline never adds to it once it exists: it
only drops what was fixed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from vsmctl.analysis.moved_code import MovedCode
from vsmctl.analysis.moved_merge import with_moved_code
from vsmctl.analysis.report import AnalysisReport, analyze_monolith, build_report
from vsmctl.check.rules import RULES, CheckContext, Finding, Rule
from vsmctl.errors import InputError
from vsmctl.events import now_iso
from vsmctl.roadmap.loader import load_roadmap
from vsmctl.roadmap.model import Roadmap
from vsmctl.workspace import Workspace, atomic_write_text

BASELINE_NAME = "check-baseline.json"


@dataclass(frozen=True)
class CheckResult:
    root: Path  # the analyzed folder
    workspace: Path
    findings: tuple[Finding, ...]
    new: tuple[Finding, ...]
    baselined: tuple[Finding, ...]
    gone: tuple[str, ...]  # recorded keys no longer found
    baseline_path: Path
    baseline_exists: bool
    baseline_written: bool
    rules: tuple[Rule, ...]
    roadmap: Roadmap | None = None  # for the note on packages that name no modules

    @property
    def ok(self) -> bool:
        return not self.new


def default_target(path: Path | None, roadmap_path: Path | None) -> tuple[Path, Roadmap]:
    """(monolith folder, roadmap) from what the user gave, the roadmap's `monolith` key, or cwd."""
    from vsmctl.roadmap.resolve import find_roadmap

    roadmap_path = find_roadmap(path, roadmap_path, required=True)
    assert roadmap_path is not None
    roadmap = load_roadmap(Path(roadmap_path))
    if path is None:
        path = (Path(roadmap_path).parent / roadmap.monolith) if roadmap.monolith else Path.cwd()
    return Path(path), roadmap


def _read_baseline(path: Path) -> dict[str, dict[str, str]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {v["key"]: v for v in data["violations"]}
    except FileNotFoundError:
        return {}
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{path}: not a vsmctl check baseline ({exc}); delete it to start over") from None


def _write_baseline(path: Path, entries: dict[str, dict[str, str]]) -> None:
    doc = {"version": 1, "updated": now_iso(),
           "violations": [entries[k] for k in sorted(entries)]}
    atomic_write_text(path, json.dumps(doc, indent=2, ensure_ascii=False) + "\n")


@dataclass(frozen=True)
class _Comparison:
    new: tuple[Finding, ...]
    baselined: tuple[Finding, ...]
    gone: tuple[str, ...]
    entries: dict[str, dict[str, str]] | None  # what the baseline holds after an update


def _compare(findings: list[Finding], recorded: dict[str, dict[str, str]], exists: bool,
             update: bool) -> _Comparison:
    keys = {f.key for f in findings}
    never = {r.id for r in RULES if not r.baseline}
    fresh = update and not exists  # the first baseline records everything it may

    def known(f: Finding) -> bool:
        return f.rule not in never and (fresh or f.key in recorded)

    entries = None
    if update:
        # The ratchet: keep what is still there, drop what was fixed, never add.
        entries = ({f.key: {"key": f.key, "rule": f.rule, "message": f.message} for f in findings if known(f)}
                   if fresh else {k: v for k, v in recorded.items() if k in keys})
    return _Comparison(new=tuple(f for f in findings if not known(f)),
                       baselined=tuple(f for f in findings if known(f)),
                       gone=tuple(sorted(set(recorded) - keys)), entries=entries)


def run_check(path: Path | None = None, roadmap_path: Path | None = None, update_baseline: bool = False,
              use_cache: bool = True, language: str | None = None) -> CheckResult:
    path, roadmap = default_target(path, roadmap_path)
    report = analyze_monolith(path, roadmap, use_cache=use_cache, language=language)
    return check_report(report, roadmap, path, update_baseline)


def check_report(report: AnalysisReport, roadmap: Roadmap, path: Path, update_baseline: bool = False) -> CheckResult:
    """The rules on an analysis already made (`roadmap status` analyzes once for its plan and its check)."""
    ctx = CheckContext(report.graph, roadmap, report)
    findings: list[Finding] = []
    for rule in RULES:
        findings.extend(rule.check(ctx))
    findings.sort(key=lambda f: (f.path or "", f.line or 0, f.rule))

    workspace = Workspace.at(path)
    baseline_path = workspace.vsm_dir / BASELINE_NAME
    exists = baseline_path.exists()
    result = _compare(findings, _read_baseline(baseline_path), exists, update_baseline)
    if result.entries is not None:
        workspace.ensure_vsm_dir()
        _write_baseline(baseline_path, result.entries)
    return CheckResult(root=Path(report.graph.root), workspace=workspace.root, findings=tuple(findings),
                       new=result.new, baselined=result.baselined, gone=result.gone, baseline_path=baseline_path,
                       baseline_exists=exists or result.entries is not None,
                       baseline_written=result.entries is not None, rules=RULES, roadmap=roadmap)


def package_of_finding(finding: Finding, report: AnalysisReport) -> str | None:
    """The roadmap package whose code holds the finding (the importing module's package)."""
    if finding.site is None or report.assignment is None:
        return None
    return report.assignment.package_of.get(finding.site.importer)


def new_violations_of(path: Path | None, roadmap_path: Path | None, package: str,
                      moved: list[MovedCode] | None = None) -> int:
    """The `violations` gate's figure for one package: the new findings in its code, wherever it
    is now (code `moved` out of the monolith is checked under its old module names)."""
    path, roadmap = default_target(path, roadmap_path)
    report = analyze_monolith(path, roadmap, use_cache=False)
    if moved:
        report = build_report(with_moved_code(report.graph, moved), roadmap)
    result = check_report(report, roadmap, path)
    return sum(1 for f in result.new if package_of_finding(f, report) == package)
