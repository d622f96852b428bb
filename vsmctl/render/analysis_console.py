"""The terminal report of `analyze monolith`."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from vsmctl.analysis.cycles import Cycle
from vsmctl.analysis.model import KIND_LABELS, ImportSite, ModuleGraph
from vsmctl.analysis.report import AnalysisReport
from vsmctl.render.roadmap_notes import no_modules_note
from vsmctl.render.tables import new_table, print_table
from vsmctl.roadmap.model import Roadmap
from vsmctl.roadmap.patterns import Assignment

MAX_SITES = 5


def _site(graph: ModuleGraph, s: ImportSite) -> str:
    kind = "" if s.kind == "plain" else f" [dim]({s.kind.replace('_', '-')})[/]"
    return f"{graph.display_path(graph.modules[s.importer].path)}:{s.line}  [cyan]{s.text}[/]{kind}"


def _sites(console: Console, graph: ModuleGraph, sites: tuple[ImportSite, ...] | list[ImportSite]) -> None:
    # a terminal gets a summary; a pipe or a file every site (data is never cut outside a terminal)
    limit = MAX_SITES if console.is_terminal else len(sites)
    for s in list(sites)[:limit]:
        console.print(f"      {_site(graph, s)}", highlight=False)
    if len(sites) > limit:
        console.print(f"      [dim]… and {len(sites) - limit} more (see --json)[/]")


def print_report(console: Console, report: AnalysisReport) -> None:
    _print_graph(console, report)
    if report.roadmap is None or report.assignment is None:
        console.print("[dim]No roadmap given (--roadmap roadmap.yaml): package assignment and layering "
                      "checks skipped.[/]")
        _warnings(console, report)
        return
    _print_packages(console, report, report.roadmap, report.assignment)
    _print_violations(console, report)
    _print_package_cycles(console, report)
    _warnings(console, report)


def _print_graph(console: Console, report: AnalysisReport) -> None:
    graph = report.graph
    kinds = ", ".join(f"{n} {KIND_LABELS.get(k, k)}" for k, n in report.kind_counts().items())
    note = " (from cache)" if report.cached else ""
    console.print(
        f"[bold]{graph.root}[/]: {len(graph.modules)} modules, {len(graph.imports)} import statements "
        f"over {len(graph.edges())} module edges{note}",
        highlight=False,
    )
    console.print(f"  kinds: {kinds}; packages: {', '.join(graph.top_packages)}; engine: {graph.engine}",
                  highlight=False)
    if graph.problems:
        console.print(f"[yellow]{len(graph.problems)} file(s) could not be analyzed:[/]")
        for p in graph.problems:
            console.print(f"  [yellow]{p.location(graph.repo_prefix)}[/]: {p.message}", highlight=False)

    _table(console, "Top-level packages", ("package", "modules", "lines", "fan-in", "fan-out", "instability"),
           [(c.name, c.modules, c.lines, c.fan_in, c.fan_out, f"{c.instability:.2f}") for c in report.components],
           (False, True, True, True, True, True))

    if report.cycles:
        console.print(f"[bold]Import cycles[/] ({len(report.cycles)}, largest first; TYPE_CHECKING imports left out)")
        for cycle in report.cycles:
            console.print(f"  {len(cycle.members)} modules: {' → '.join(cycle.example)}{_cycle_kind(report, cycle)}",
                          highlight=False)
    else:
        console.print("[green]No import cycles.[/]")


def _print_packages(console: Console, report: AnalysisReport, roadmap: Roadmap, assignment: Assignment) -> None:
    categories = {p.name: p.category for p in roadmap.packages}
    _table(console, f"Roadmap packages ({roadmap.name})",
           ("package", "category", "modules", "lines", "fan-in", "fan-out", "instability"),
           [(p.name, categories[p.name], p.modules, p.lines, p.fan_in, p.fan_out, f"{p.instability:.2f}")
            for p in report.packages],
           (False, False, True, True, True, True, True))
    note = no_modules_note(roadmap, "this analysis does not cover them")
    if note:
        console.print(f"[yellow]note[/]: {escape(note)}", highlight=False)
    unassigned = assignment.unassigned
    if unassigned:
        console.print(f"[bold]Modules no pattern claims[/] ({len(unassigned)}): {', '.join(unassigned)}",
                      highlight=False)

    _table(console, "Package dependencies", ("from", "to", "imports", "kind", "roadmap"),
           [(e.source, e.target, e.weight, e.kind.replace("_", "-"), "declared" if e.declared else "BREAKS depends_on")
            for e in report.package_edges],
           (False, False, True, False, False))


def _print_violations(console: Console, report: AnalysisReport) -> None:
    graph = report.graph
    if report.violations:
        console.print(f"[bold red]Roadmap violations[/] ({len(report.violations)})")
        for v in report.violations:
            console.print(f"  [red]{v.rule}[/]: {v.message}", highlight=False)
            _sites(console, graph, v.sites)
    else:
        console.print("[green]No roadmap violations.[/]")

    if report.monolith_imports:
        console.print("[bold]Imports of code no package claims[/] (extraction blockers)")
        for name, sites in report.monolith_imports.items():
            console.print(f"  {name} → {', '.join(sorted({s.imported for s in sites}))}", highlight=False)
            _sites(console, graph, sites)


def _cycle_kind(report: AnalysisReport, cycle: Cycle) -> str:
    """Elixir's cycles come in two kinds that cost differently; Python's need no label."""
    if cycle.members in report.compile_time_cycles:
        return "\n    compile-time: every change recompiles the cycle, and it blocks a clean split until cut"
    if report.graph.language == "elixir":
        return "  (runtime only: no recompiles; cut it behind a behaviour)"
    return ""


def _print_package_cycles(console: Console, report: AnalysisReport) -> None:
    if report.package_cycles:
        console.print(f"[bold]Package cycles[/] ({len(report.package_cycles)})")
        for cycle in report.package_cycles:
            console.print(f"  {' → '.join(cycle.example)}{_cycle_kind(report, cycle)}", highlight=False)
    if report.breakers and report.breakers.edges:
        how = "" if report.breakers.exact else " (greedy estimate: a cycle was too large for exact search)"
        console.print(f"[bold]Remove or invert these {len(report.breakers.edges)} package edge(s) to make the "
                      f"package graph acyclic[/]{how}:")
        by_key = {(e.source, e.target): e for e in report.package_edges}
        for a, b in report.breakers.edges:
            edge = by_key[(a, b)]
            console.print(f"  {a} → {b} ({edge.weight} import(s))", highlight=False)
            _sites(console, report.graph, edge.sites)
    elif report.roadmap is not None:
        console.print("[green]The package graph is acyclic.[/]")


def _table(console: Console, title: str, headers: tuple[str, ...], rows: list[tuple[object, ...]],
           right: tuple[bool, ...]) -> None:
    table = new_table(headers, [h for h, r in zip(headers, right, strict=True) if r], title)
    for row in rows:
        table.add_row(*(escape(str(c)) for c in row))
    print_table(console, table)


def _warnings(console: Console, report: AnalysisReport) -> None:
    roadmap_warnings = [w for w in report.warnings if w.startswith("roadmap:")]
    for w in roadmap_warnings:
        console.print(f"[yellow]warning[/]: {w}", highlight=False)
