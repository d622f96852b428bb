"""`roadmap status|plan|gates` output: terminal tables and JSON documents."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from rich.markup import escape

from vsmctl.gates.evaluate import GateResult
from vsmctl.migration.planning import MigrationPlan
from vsmctl.migration.status import MigrationStatus, PackageStatus, PhaseStatus
from vsmctl.render.tables import new_table, print_table

STAGE_LOOK = {"not_started": "dim", "extracting": "cyan", "interrupted": "red", "extracted": "yellow",
              "cut_over": "blue", "finished": "green"}


def asked_gates(phase: PhaseStatus) -> str:
    """What the roadmap asks of a phase, as written there (`flag_rollout: 100`, not 100.0)."""
    return ", ".join(f"{k}: {v:g}" if isinstance(v, float) else f"{k}: {v}" for k, v in phase.gates.items())


def _mark(held: bool) -> str:
    return "[green]held[/]" if held else "[red]not held[/]"


def _rollout(package: PackageStatus) -> str:
    if package.rollout is None:
        return "-"
    return f"{package.rollout.percent:g}%" + ("" if package.rollout.state == "enabled" else " (off)")


def _parallel(package: PackageStatus) -> str:
    run = package.parallel
    if run is None:
        return "-"
    ratio = f", p95 x{run.latency_ratio:g}" if run.latency_ratio is not None else ""
    return f"{run.match_rate:g}% of {run.samples}{ratio}"


def _violations(package: PackageStatus) -> str:
    if not package.violations:
        return "0"
    new = sum(1 for v in package.violations if v.new)
    return f"{len(package.violations)} ({new} new)"


def _gates(package: PackageStatus) -> str:
    unmet = [g.name for g in package.gates if not g.held]
    return "[green]all held[/]" if not unmet else "[red]" + escape(", ".join(unmet)) + "[/]"


def print_status(console: Any, status: MigrationStatus) -> None:
    counts = status.counts()
    summary = ", ".join(f"{n} {stage.replace('_', ' ')}" for stage, n in counts.items() if n)
    console.print(f"[bold]{escape(status.roadmap)}[/]: {summary}; current phase: "
                  f"{escape(status.current_phase or 'none (all finished)')}", highlight=False)
    for phase in status.phases:
        asked = asked_gates(phase) or "none"
        table = new_table(["package", "stage", "flag", "parallel run", "violations", "gates"],
                          title=f"{phase.name} (gates: {asked})")
        for package in phase.packages:
            look = STAGE_LOOK.get(package.stage, "")
            table.add_row(escape(package.name), f"[{look}]{escape(package.summary)}[/]", _rollout(package),
                          _parallel(package), _violations(package), _gates(package))
        print_table(console, table)
    for note in status.notes:
        console.print(f"note: {escape(note)}", highlight=False)


def status_json(status: MigrationStatus) -> dict[str, Any]:
    from vsmctl.migration.status import status_to_dict

    return status_to_dict(status)


def print_plan(console: Any, plan: MigrationPlan) -> None:
    if plan.in_progress:
        console.print("[bold]in progress[/] (the next command for each):", highlight=False)
        for step in plan.in_progress:
            command = f"[bold]{escape(step.command)}[/]" if step.command else "(wait)"
            console.print(f"  {escape(step.name)}: {escape(step.summary)}\n    {command}  # {escape(step.why)}",
                          highlight=False)
    if plan.extractable_now:
        console.print("[bold]extractable now[/] (in this order):", highlight=False)
        for step in plan.extractable_now:
            console.print(f"  {escape(step.command or '')}", highlight=False)
    if plan.blocked:
        console.print("[bold]blocked[/]:", highlight=False)
        for blocked in plan.blocked:
            console.print(f"  {escape(blocked.name)}:", highlight=False)
            for blocker in blocked.blockers:
                where = f"{blocker.location}: " if blocker.location else ""
                console.print(f"    {escape(where + blocker.reason)}", highlight=False)
    if plan.nothing_to_extract:
        console.print(f"no monolith code to extract (write them new): {escape(', '.join(plan.nothing_to_extract))}",
                      highlight=False)
    if plan.finished:
        console.print(f"finished: {escape(', '.join(plan.finished))}", highlight=False)
    for note in plan.notes:
        console.print(f"note: {escape(note)}", highlight=False)


def plan_json(plan: MigrationPlan) -> dict[str, Any]:
    doc = asdict(plan)
    for blocked, source in zip(doc["blocked"], plan.blocked, strict=True):
        for blocker, b in zip(blocked["blockers"], source.blockers, strict=True):
            blocker["location"] = b.location
    return {"version": 1, **doc}


def _gate_dict(result: GateResult) -> dict[str, Any]:
    return asdict(result)


def print_gates(console: Any, phase: PhaseStatus) -> None:
    table = new_table(["package", "gate", "held", "figure", "needed", "detail"], right=["figure", "needed"],
                      title=f"gates of {phase.name}")
    for package in phase.packages:
        for gate in package.gates:
            table.add_row(escape(package.name), gate.name, _mark(gate.held),
                          "-" if gate.value is None else f"{gate.value:g}",
                          "-" if gate.needed is None else f"{gate.needed:g}", escape(gate.detail))
    print_table(console, table)
    held = all(p.gates_held for p in phase.packages)
    console.print(f"{escape(phase.name)}: {'every gate held' if held else 'gates not held'}", highlight=False)


def gates_json(phase: PhaseStatus) -> dict[str, Any]:
    return {"version": 1, "phase": phase.name, "held": all(p.gates_held for p in phase.packages),
            "packages": [{"name": p.name, "stage": p.stage, "held": p.gates_held,
                          "gates": [_gate_dict(g) for g in p.gates]} for p in phase.packages]}
