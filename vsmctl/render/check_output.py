"""`vsmctl check` output: a human report, JSON, SARIF 2.1.0 and GitHub workflow annotations."""

from __future__ import annotations

import os
from typing import Any

from rich.markup import escape

from vsmctl import __version__
from vsmctl.check.rules import Finding
from vsmctl.check.service import CheckResult
from vsmctl.render.roadmap_notes import no_modules_note

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _repo_path(result: CheckResult, finding: Finding) -> str | None:
    """The finding's file relative to the repository root (what code scanning expects)."""
    if finding.path is None:
        return None
    absolute = os.path.join(result.root, finding.path)
    return os.path.relpath(absolute, result.workspace).replace(os.sep, "/")


def _finding_dict(result: CheckResult, f: Finding, status: str) -> dict[str, Any]:
    return {"rule": f.rule, "key": f.key, "status": status, "message": f.message, "fix": f.fix,
            "file": _repo_path(result, f), "line": f.line}


def to_json(result: CheckResult) -> dict[str, Any]:
    return {
        "version": 1,
        "ok": result.ok,
        "path": str(result.root),
        "baseline": str(result.baseline_path) if result.baseline_exists else None,
        "summary": {"findings": len(result.findings), "new": len(result.new),
                    "baselined": len(result.baselined), "gone_from_baseline": len(result.gone)},
        "new": [_finding_dict(result, f, "new") for f in result.new],
        "baselined": [_finding_dict(result, f, "baselined") for f in result.baselined],
        "gone_from_baseline": list(result.gone),
    }


def to_sarif(result: CheckResult) -> dict[str, Any]:
    rules = [
        {"id": r.id, "name": r.title.replace(" ", ""), "shortDescription": {"text": r.title},
         "fullDescription": {"text": r.description}, "defaultConfiguration": {"level": "error"}}
        for r in result.rules
    ]
    index = {r.id: i for i, r in enumerate(result.rules)}
    results = []
    for status, findings in (("new", result.new), ("baselined", result.baselined)):
        for f in findings:
            entry: dict[str, Any] = {
                "ruleId": f.rule,
                "ruleIndex": index[f.rule],
                "level": "error" if status == "new" else "note",
                "message": {"text": f"{f.message}. Fix: {f.fix}"},
                "partialFingerprints": {"vsmctlKey/v1": f.key},
                "baselineState": "new" if status == "new" else "unchanged",
            }
            path = _repo_path(result, f)
            if path is not None:
                location: dict[str, Any] = {"artifactLocation": {"uri": path, "uriBaseId": "%SRCROOT%"}}
                if f.line:
                    location["region"] = {"startLine": f.line}
                entry["locations"] = [{"physicalLocation": location}]
            results.append(entry)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "vsmctl", "version": __version__,
                                "informationUri": "https://pypi.org/project/vsmctl/", "rules": rules}},
            "results": results,
        }],
    }


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def to_github(result: CheckResult) -> str:
    """GitHub Actions workflow commands: one ::error per new finding, ::notice per fixed one."""
    lines = []
    for f in result.new:
        props = [f"title={_escape_property(f.rule)}"]
        path = _repo_path(result, f)
        if path:
            props.insert(0, f"file={_escape_property(path)}")
            if f.line:
                props.insert(1, f"line={f.line}")
        lines.append(f"::error {','.join(props)}::{_escape_data(f.message + '. Fix: ' + f.fix)}")
    for key in result.gone:
        lines.append(f"::notice title=baseline::{_escape_data(key + ' is fixed; run vsmctl check --update-baseline')}")
    return "\n".join(lines) + ("\n" if lines else "")


def print_human(console: Any, result: CheckResult) -> None:
    for f in result.new:
        where = (f"{_repo_path(result, f)}" + (f":{f.line}" if f.line else "")) if f.path else "(package graph)"
        console.print(f"[red]{where}[/]  [bold]{f.rule}[/]  {f.message}", highlight=False)
        console.print(f"    fix: {f.fix}", highlight=False)
    if result.baselined:
        console.print(f"[dim]{len(result.baselined)} known violation(s) recorded in the baseline "
                      f"({result.baseline_path.name}) not shown[/]")
    for key in result.gone:
        console.print(f"[green]fixed[/]: {key} is gone; run `vsmctl check --update-baseline` to shrink the baseline",
                      highlight=False)
    if result.baseline_written:
        console.print(f"baseline written: {result.baseline_path} "
                      f"({len(result.baselined)} recorded violation(s))", highlight=False)
    note = no_modules_note(result.roadmap, "no rule checks them") if result.roadmap else None
    if note:
        console.print(f"[yellow]note[/]: {escape(note)}", highlight=False)
    if result.ok:
        console.print(f"[green]check passed[/]: {len(result.findings)} finding(s), none new")
    else:
        extra = " (not added: the baseline only shrinks)" if result.baseline_written else ""
        console.print(f"[red]check failed[/]: {len(result.new)} new violation(s){extra}")
