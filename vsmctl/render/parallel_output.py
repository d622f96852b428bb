"""`parallel-run diff` and `gate` output: terminal, JSON, self-contained HTML."""

from __future__ import annotations

import json
from dataclasses import asdict
from html import escape
from typing import Any

from rich.markup import escape as escape_markup
from rich.text import Text

from vsmctl.parallel.report import ExperimentReport, GateResult
from vsmctl.render.page_style import page_css
from vsmctl.render.tables import new_table, print_table


def report_dict(rep: ExperimentReport) -> dict[str, Any]:
    doc = asdict(rep)
    doc["match_rate"] = rep.match_rate
    for group in doc["shapes"]:
        for example in group["examples"]:
            example["differences"] = [{"path": p, "control": a, "candidate": b} for p, a, b in example["differences"]]
    return doc


def _text(value: Any) -> str:
    """A value whole (JSON unless it is text): never cut, a table folds it at a terminal instead."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


def print_report(console: Any, rep: ExperimentReport) -> None:
    console.print(f"[bold]{escape_markup(rep.experiment)}[/]: {rep.samples} samples, [bold]{rep.match_rate}%[/] "
                  f"matched ({rep.matches} equal, {rep.ignored} ignored, {rep.noise} noise), {rep.mismatches} "
                  f"mismatched, {rep.timeouts} timed out, {rep.compare_errors} compare errors", highlight=False)
    if rep.noise_paths:
        console.print(Text(f"  noise learned from {rep.secondary_samples} secondary run(s): "
                           + ", ".join(rep.noise_paths)))
    for group in rep.shapes:
        line = Text("  ")
        line.append(str(group.count), style="red")
        line.append(f" mismatch(es) in {', '.join(group.paths)}")
        console.print(line)
        _print_examples(console, group.examples)
    if rep.errors:
        console.print(Text("  candidate exceptions: " + ", ".join(f"{t} × {n}" for t, n in rep.errors.items())))
    if rep.control and rep.candidate:
        console.print(f"  latency ms   p50 {rep.control.p50} → {rep.candidate.p50} ({rep.ratio['p50']}x)   "
                      f"p95 {rep.control.p95} → {rep.candidate.p95} ({rep.ratio['p95']}x)   "
                      f"p99 {rep.control.p99} → {rep.candidate.p99} ({rep.ratio['p99']}x)   (control → candidate)",
                      highlight=False)


def _print_examples(console: Any, examples: Any) -> None:
    """A group's examples as one table: the input once, then each field that differs."""
    table = new_table(("input", "field", "control", "candidate"))
    for example in examples:
        shown = "" if example.context is None else _text(example.context.get("input", example.context))
        for i, (path, a, b) in enumerate(example.differences):
            # Text cells: recorded values are data, never Rich markup
            table.add_row(Text(shown if i == 0 else ""), Text(path), Text(_text(a)), Text(_text(b)))
    if table.row_count:
        print_table(console, table)


def print_gate(console: Any, result: GateResult) -> None:
    for name, held, detail in result.checks:
        mark = "[green]ok[/]  " if held else "[red]FAIL[/]"
        console.print(f"{mark} {name}: {detail}", highlight=False)
    verdict = "[green]gate passed[/]" if result.passed else "[red]gate not met[/]"
    console.print(f"{verdict}: {escape_markup(result.report.experiment)}", highlight=False)


def to_html(reports: list[ExperimentReport]) -> str:
    parts = []
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
                    parts.append(f"<p>input <code>{escape(_text(shown))}</code></p>")
                rows = "".join(f"<tr><td><code>{escape(p)}</code></td><td>{escape(_text(a))}</td>"
                               f"<td>{escape(_text(b))}</td></tr>" for p, a, b in example.differences)
                parts.append("<table><tr><th>field</th><th>control</th><th>candidate</th></tr>" + rows + "</table>")
        if rep.errors:
            parts.append("<p>Candidate exceptions: " + escape(", ".join(f"{t} × {n}" for t, n in rep.errors.items()))
                         + "</p>")
    # the graph page's look (vsmctl analyze --format html): its stylesheet, header and table style
    summary = f"{len(reports)} experiment(s): " + ", ".join(f"{r.experiment} {r.match_rate}%" for r in reports)
    return ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>vsmctl — parallel-run diff</title><style>{page_css()}{_REPORT_CSS}</style></head><body>"
            f"<header><h1 id=\"title\">vsmctl — parallel-run diff</h1><p id=\"summary\">{escape(summary)}</p></header>"
            f"<section id=\"tables\">{''.join(parts)}</section></body></html>\n")


# whole values wrap inside their cell instead of widening the page
_REPORT_CSS = "#tables td{max-width:40em;overflow-wrap:anywhere;white-space:pre-wrap}"
