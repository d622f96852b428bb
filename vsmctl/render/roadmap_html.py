"""`roadmap status --html`: one self-contained page a team can put on a screen.

Phases are columns, packages are cards (stage, steps, rollout over time, parallel-run figures,
open violations, gates green or red). Inline CSS and SVG only: no script, font or style from the
network, so the page opens from disk, offline.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from vsmctl.migration.status import MigrationStatus, PackageStatus, PhaseStatus
from vsmctl.render.roadmap_output import asked_gates

STAGE_COLOUR = {"not_started": "#8a8f98", "extracting": "#1f8ac0", "interrupted": "#c0392b",
                "extracted": "#c88a12", "cut_over": "#2f6fd6", "finished": "#24874a"}
CSS = """
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 Helvetica, Arial, sans-serif; background: #f3f4f6; color: #1d2330; }
header { padding: 16px 24px; background: #1d2330; color: #fff; }
header h1 { margin: 0 0 4px; font-size: 22px; }
header .meta { color: #c9ced8; font-size: 13px; }
.counts span { display: inline-block; margin-right: 14px; }
.board { display: flex; gap: 16px; padding: 16px 24px; align-items: flex-start; overflow-x: auto; }
.phase { flex: 1 1 0; min-width: 290px; background: #e4e7ec; border-radius: 8px; padding: 10px; }
.phase h2 { margin: 2px 4px 2px; font-size: 17px; }
.phase .asked { margin: 0 4px 10px; font-size: 12px; color: #4b5263; }
.phase.current { outline: 3px solid #2f6fd6; }
.card { background: #fff; border-radius: 6px; padding: 10px 12px; margin-bottom: 10px;
        border-left: 6px solid var(--stage); box-shadow: 0 1px 2px rgba(0,0,0,.08); }
.card h3 { margin: 0; font-size: 15px; }
.card .kind { color: #6b7280; font-size: 12px; }
.stage { display: inline-block; margin: 6px 0 4px; padding: 1px 8px; border-radius: 10px; color: #fff;
         background: var(--stage); font-size: 12px; font-weight: 600; }
.summary { font-size: 12.5px; color: #374151; }
.row { display: flex; justify-content: space-between; font-size: 12.5px; margin-top: 4px; }
.row .label { color: #6b7280; }
.bar { height: 6px; background: #e5e7eb; border-radius: 3px; margin-top: 3px; }
.bar > div { height: 6px; border-radius: 3px; background: var(--stage); }
.gates { margin-top: 6px; display: flex; flex-wrap: wrap; gap: 4px; }
.gate { font-size: 11px; padding: 1px 6px; border-radius: 8px; color: #fff; }
.gate.held { background: #24874a; }
.gate.unmet { background: #c0392b; }
.violations { margin: 4px 0 0; padding-left: 16px; font-size: 11.5px; color: #8a1f11; }
.steps { font-size: 11.5px; color: #4b5263; }
.bysteps { display: flex; flex-wrap: wrap; gap: 8px; font-size: 11.5px; color: #374151; }
.bysteps .step { display: inline-flex; align-items: flex-end; gap: 2px; }
footer { padding: 8px 24px 16px; font-size: 12px; color: #6b7280; }
"""


def _sparkline(points: tuple[tuple[str, float], ...], colour: str) -> str:
    """The rollout over time as a step line (0-100%), one step per flag event."""
    if not points:
        return ""
    times = [datetime.fromisoformat(t.replace("Z", "+00:00")).timestamp() for t, _ in points]
    start, end = times[0], max(times[-1], times[0] + 1)
    width, height = 240, 34

    def x(t: float) -> float:
        return round(4 + (t - start) / (end - start) * (width - 8), 1)

    def y(percent: float) -> float:
        return round(height - 3 - percent / 100 * (height - 6), 1)

    path = []
    previous = 0.0
    for t, (_, percent) in zip(times, points, strict=True):
        path.append(f"{x(t)},{y(previous)} {x(t)},{y(percent)}")
        previous = percent
    path.append(f"{width - 4},{y(previous)}")
    label = f"rollout over time: {', '.join(f'{p:g}%' for _, p in points)}"
    return (f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="{escape(label)}"><title>{escape(label)}</title>'
            f'<line x1="4" x2="{width - 4}" y1="{y(100)}" y2="{y(100)}" stroke="#d1d5db" stroke-dasharray="3 3"/>'
            f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{" ".join(path)}"/></svg>')


def _match_by_step(package: PackageStatus) -> str:
    """The match rate at each rollout step (observations between one flag change and the next)."""
    if package.parallel is None or not package.parallel.timeline or package.rollout is None:
        return ""
    percent_at = dict(package.rollout.history)
    cells = []
    for start, samples, rate in package.parallel.timeline:
        if not samples:
            continue
        height = max(2.0, rate / 100 * 22)
        cells.append(f'<span class="step" title="{samples} samples from {escape(start)}">'
                     f'<svg width="14" height="24" viewBox="0 0 14 24"><rect x="2" y="{24 - height:.1f}" width="10" '
                     f'height="{height:.1f}" fill="{"#24874a" if rate >= 99 else "#c0392b"}"/></svg>'
                     f"at {percent_at.get(start, 0):g}%: {rate:g}% of {samples}</span>")
    if not cells:
        return ""
    return f'<div class="steps">match rate by rollout step:</div><div class="bysteps">{"".join(cells)}</div>'


def _row(label: str, value: str) -> str:
    return f'<div class="row"><span class="label">{escape(label)}</span><span>{value}</span></div>'


def _card(package: PackageStatus) -> str:
    colour = STAGE_COLOUR.get(package.stage, "#8a8f98")
    parts = [f'<article class="card" data-package="{escape(package.name)}" data-stage="{package.stage}" '
             f'style="--stage: {colour}">',
             f"<h3>{escape(package.name)}</h3>",
             f'<div class="kind">{escape(package.category)} · {escape(package.approach)} · '
             f"{package.modules} module(s)</div>",
             f'<span class="stage">{escape(package.stage.replace("_", " "))}</span>',
             f'<div class="summary">{escape(package.summary)}</div>']
    if package.extraction is not None:
        ex = package.extraction
        share = 100 * ex.done / ex.total if ex.total else 0
        parts.append(_row("steps", f"{ex.done} of {ex.total}"))
        parts.append(f'<div class="bar"><div style="width: {share:.0f}%"></div></div>')
        if ex.last_event is not None:
            parts.append(_row("last event", escape(f"{ex.last_event.id} {ex.last_event.type}")))
    if package.rollout is not None:
        parts.append(_row(f"flag {package.rollout.flag}", f"{package.rollout.percent:g}%"))
        parts.append(_sparkline(package.rollout.history, colour))
        steps = " → ".join(f"{p:g}%" for _, p in package.rollout.history[-6:])
        parts.append(f'<div class="steps">rollout: {"… → " if len(package.rollout.history) > 6 else ""}'
                     f"{escape(steps)}</div>")
    if package.parallel is not None:
        run = package.parallel
        ratio = f"{run.latency_ratio:g}" if run.latency_ratio is not None else "-"
        parts.append(_row("parallel run", f"{run.match_rate:g}% of {run.samples} matched"))
        parts.append(_row("latency p95 ratio", ratio))
        parts.append(_match_by_step(package))
    parts.append(_row("open violations", str(len(package.violations))))
    if package.violations:
        items = "".join(f"<li>{escape(f'{v.path}:{v.line}' if v.path else v.rule)}: {escape(v.message)}</li>"
                        for v in package.violations[:3])
        more = f"<li>… {len(package.violations) - 3} more</li>" if len(package.violations) > 3 else ""
        parts.append(f'<ul class="violations">{items}{more}</ul>')
    gates = "".join(f'<span class="gate {"held" if g.held else "unmet"}" title="{escape(g.detail)}">'
                    f'{escape(g.name)}</span>' for g in package.gates)
    parts.append(f'<div class="gates">{gates}</div></article>')
    return "".join(parts)


def _column(phase: PhaseStatus, current: bool) -> str:
    asked = asked_gates(phase) or "no gates"
    cards = "".join(_card(p) for p in phase.packages)
    return (f'<section class="phase{" current" if current else ""}" data-phase="{escape(phase.name)}">'
            f"<h2>{escape(phase.name)}</h2><div class=\"asked\">{escape(phase.description)}<br>gates: "
            f"{escape(asked)}</div>{cards}</section>")


def render_dashboard(status: MigrationStatus) -> str:
    counts = "".join(f"<span>{n} {escape(stage.replace('_', ' '))}</span>"
                     for stage, n in status.counts().items() if n)
    columns = "".join(_column(p, p.name == status.current_phase) for p in status.phases)
    notes = "".join(f"<p>note: {escape(n)}</p>" for n in status.notes)
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(status.roadmap)}: migration status</title><style>{CSS}</style></head><body>"
            f"<header><h1>{escape(status.roadmap)}</h1><div class=\"meta\">current phase: "
            f"{escape(status.current_phase or 'all finished')} · computed {escape(status.generated)} from git, "
            f'the event log and the parallel-run store</div><div class="counts meta">{counts}</div></header>'
            f'<main class="board">{columns}</main><footer>{notes}vsmctl roadmap status --html</footer>'
            f"</body></html>\n")
