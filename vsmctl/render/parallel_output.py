"""`parallel-run diff` and `gate` output: terminal, JSON, self-contained HTML."""

from __future__ import annotations

import json
from dataclasses import asdict
from html import escape
from typing import Any

from vsmctl.parallel.report import ExperimentReport, GateResult


def report_dict(rep: ExperimentReport) -> dict[str, Any]:
    doc = asdict(rep)
    doc["match_rate"] = rep.match_rate
    for group in doc["shapes"]:
        for example in group["examples"]:
            example["differences"] = [{"path": p, "control": a, "candidate": b} for p, a, b in example["differences"]]
    return doc


def _short(value: Any, limit: int = 80) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str) if not isinstance(value, str) else value
    return text if len(text) <= limit else text[: limit - 1] + "…"


def print_report(console: Any, rep: ExperimentReport) -> None:
    console.print(f"[bold]{rep.experiment}[/]: {rep.samples} samples, [bold]{rep.match_rate}%[/] matched "
                  f"({rep.matches} equal, {rep.ignored} ignored, {rep.noise} noise), {rep.mismatches} mismatched, "
                  f"{rep.timeouts} timed out, {rep.compare_errors} compare errors", highlight=False)
    if rep.noise_paths:
        console.print(f"  noise learned from {rep.secondary_samples} secondary run(s): {', '.join(rep.noise_paths)}",
                      highlight=False)
    for group in rep.shapes:
        console.print(f"  [red]{group.count}[/] mismatch(es) in {', '.join(group.paths)}", highlight=False)
        for example in group.examples:
            if example.context is not None:
                console.print(f"      input {_short(example.context.get('input', example.context))}", highlight=False)
            for path, a, b in example.differences[:5]:
                console.print(f"      {path}: control {_short(a, 40)}  candidate {_short(b, 40)}", highlight=False)
    if rep.errors:
        console.print("  candidate exceptions: " + ", ".join(f"{t} × {n}" for t, n in rep.errors.items()),
                      highlight=False)
    if rep.control and rep.candidate:
        console.print(f"  latency ms   p50 {rep.control.p50} → {rep.candidate.p50} ({rep.ratio['p50']}x)   "
                      f"p95 {rep.control.p95} → {rep.candidate.p95} ({rep.ratio['p95']}x)   "
                      f"p99 {rep.control.p99} → {rep.candidate.p99} ({rep.ratio['p99']}x)   (control → candidate)",
                      highlight=False)


def print_gate(console: Any, result: GateResult) -> None:
    for name, held, detail in result.checks:
        mark = "[green]ok[/]  " if held else "[red]FAIL[/]"
        console.print(f"{mark} {name}: {detail}", highlight=False)
    verdict = "[green]gate passed[/]" if result.passed else "[red]gate not met[/]"
    console.print(f"{verdict}: {result.report.experiment}", highlight=False)


def to_html(reports: list[ExperimentReport]) -> str:
    parts = ["<h1>vsmctl parallel-run diff</h1>"]
    for rep in reports:
        parts.append(f"<h2>{escape(rep.experiment)}</h2><p>{rep.samples} samples, <b>{rep.match_rate}%</b> matched "
                     f"({rep.matches} equal, {rep.ignored} ignored, {rep.noise} noise), {rep.mismatches} mismatched, "
                     f"{rep.timeouts} timed out.</p>")
        if rep.noise_paths:
            parts.append(f"<p>Noise learned from {rep.secondary_samples} secondary run(s), left out of mismatches: "
                         + ", ".join(f"<code>{escape(p)}</code>" for p in rep.noise_paths) + "</p>")
        if rep.control and rep.candidate:
            rows = "".join(f"<tr><td>{q}</td><td>{getattr(rep.control, q)}</td><td>{getattr(rep.candidate, q)}</td>"
                           f"<td>{rep.ratio[q]}</td></tr>" for q in ("p50", "p95", "p99"))
            parts.append("<table><tr><th>latency (ms)</th><th>control</th><th>candidate</th><th>ratio</th></tr>"
                         f"{rows}</table>")
        for group in rep.shapes:
            parts.append(f"<h3>{group.count} mismatch(es): {escape(', '.join(group.paths))}</h3>")
            for example in group.examples:
                if example.context is not None:
                    shown = example.context.get("input", example.context)
                    parts.append(f"<p>input <code>{escape(_short(shown, 400))}</code></p>")
                rows = "".join(f"<tr><td><code>{escape(p)}</code></td><td>{escape(_short(a))}</td>"
                               f"<td>{escape(_short(b))}</td></tr>" for p, a, b in example.differences)
                parts.append("<table><tr><th>field</th><th>control</th><th>candidate</th></tr>" + rows + "</table>")
        if rep.errors:
            parts.append("<p>Candidate exceptions: " + escape(", ".join(f"{t} × {n}" for t, n in rep.errors.items()))
                         + "</p>")
    style = ("body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse;margin:.5em 0}"
             "td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}th{background:#f3f3f3}")
    return (f"<!doctype html><html><head><meta charset=\"utf-8\"><title>parallel-run diff</title><style>{style}"
            f"</style></head><body>{''.join(parts)}</body></html>\n")
