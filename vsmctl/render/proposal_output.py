"""`analyze monolith --propose` output: terminal and JSON; and `analyze score`."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from rich.markup import escape

from vsmctl.analysis.model import ModuleGraph
from vsmctl.propose.proposal import Notes, Proposal
from vsmctl.propose.scoring import Score
from vsmctl.propose.seeded import Decision
from vsmctl.render.tables import new_table, print_table

MAX_LIST = 8
METHOD = {
    "seeded": "seeded by the roadmap's patterns; unseeded clusters become new packages",
    "unsupervised": "unsupervised (consensus of Louvain runs, hubs set aside; folder layout not used)",
}


def _site(graph: ModuleGraph | None, site: Any) -> dict[str, Any]:
    file = graph.display_path(graph.modules[site.importer].path) if graph is not None else None
    return {"file": file, "line": site.line, "importer": site.importer, "imported": site.imported,
            "kind": site.kind, "text": site.text}


def proposal_to_dict(proposal: Proposal, graph: ModuleGraph | None = None) -> dict[str, Any]:
    return {
        "version": 1,
        "mode": proposal.mode,
        "method": METHOD[proposal.mode],
        "score": asdict(proposal.score),
        "packages": [
            {"name": p.name, "members": list(p.members), "modules": len(p.members), "lines": p.lines,
             "cohesion": p.cohesion, "coupling_out": p.coupling_out, "coupling_in": p.coupling_in,
             "depends_on": list(p.depends_on), "bound": list(p.bound),
             "crossing": [_site(graph, s) for s in p.crossing]}
            for p in proposal.packages
        ],
        "edges": [{"source": a, "target": b, "imports": n} for a, b, n in proposal.edges],
        "cycles": [{"members": list(c.members), "example": list(c.example)} for c in proposal.cycles],
        "cycle_breakers": [{"source": a, "target": b} for a, b in proposal.breakers.edges],
        "inversions": [
            {"source": i.source, "target": i.target, "names": list(i.names),
             "sites": [_site(graph, s) for s in i.sites]}
            for i in proposal.inversions
        ],
        "extraction_order": [list(wave.packages) for wave in proposal.order],
        "waves": [{"packages": list(w.packages), "tangle": w.tangle, "invert": [list(e) for e in w.invert]}
                  for w in proposal.order],
        "notes": {"hubs": list(proposal.notes.hubs), "placed_by_folder": list(proposal.notes.placed_by_folder),
                  "composition_roots": list(proposal.notes.roots), "packages": proposal.notes.count},
        "decisions": [asdict(d) for d in proposal.decisions],
        "unassigned": list(proposal.unassigned),
    }


def print_proposal(console: Any, proposal: Proposal, graph: ModuleGraph) -> None:
    _print_packages(console, proposal)
    _print_members(console, proposal, graph)
    _print_decisions(console, proposal.decisions)
    _print_layering(console, proposal)
    _print_notes(console, proposal.notes)


def _print_packages(console: Any, proposal: Proposal) -> None:
    how = METHOD[proposal.mode]
    s = proposal.score
    console.print(f"[bold]Proposed packages[/]: {len(proposal.packages)}, {how}; modularity {s.modularity}, "
                  f"TurboMQ {s.turbomq}, {s.cross_edges} import edges cross a boundary", highlight=False)
    table = new_table(("package", "modules", "lines", "cohesion", "out", "in", "depends on"),
                      right=("modules", "lines", "cohesion", "out", "in"))
    for p in proposal.packages:
        table.add_row(escape(p.name), str(len(p.members)), str(p.lines), str(p.cohesion), str(p.coupling_out),
                      str(p.coupling_in), escape(", ".join(p.depends_on)))
    print_table(console, table)


def _print_members(console: Any, proposal: Proposal, graph: ModuleGraph) -> None:
    for p in proposal.packages:
        limit = MAX_LIST if console.is_terminal else len(p.members)  # whole outside a terminal
        more = f" … (+{len(p.members) - limit})" if len(p.members) > limit else ""
        shown = ", ".join(p.members[:limit]) + more
        console.print(f"[bold]{p.name}[/]: {shown}", highlight=False)
        for why in p.bound:
            console.print(f"    kept together: {why}", highlight=False)
        if p.crossing:
            site = p.crossing[0]
            more = f" (+{len(p.crossing) - 1} more)" if len(p.crossing) > 1 else ""
            where = f"{graph.display_path(graph.modules[site.importer].path)}:{site.line}"
            console.print(f"    crosses its boundary: {where} [cyan]{site.text}[/]{more}", highlight=False)


def _decision_line(d: Decision) -> str:
    if d.target is None:
        return f"  {d.module}: [yellow]unassigned[/] ({d.reason})"
    runner = f", runner-up {d.runner_up} {d.runner_up_score:.2f}" if d.runner_up else ""
    close = " [yellow](close call)[/]" if d.runner_up and d.score - d.runner_up_score < 0.1 else ""
    detail = f"{d.score:.2f}{runner}" if d.reason == "coupling" else (
        f"{d.score:.2f}{runner}; {d.reason}" if d.reason.startswith("coupling") else d.reason)
    return f"  {d.module} → {d.target} ({detail}){close}"


def _print_decisions(console: Any, decisions: tuple[Decision, ...]) -> None:
    if decisions:
        console.print("[bold]Assignments[/] (share of each module's coupling; close calls deserve a look)")
        for d in decisions:
            console.print(_decision_line(d), highlight=False)


def _print_notes(console: Any, notes: Notes) -> None:
    if notes.count:
        console.print(f"[yellow]note[/]: {notes.count}", highlight=False)
    if notes.roots:
        console.print(f"Composition roots, left at the top ({len(notes.roots)}): {', '.join(notes.roots)}",
                      highlight=False)
    if notes.hubs:
        console.print(f"Hubs (imported by much of the code; set aside while clustering, then placed where most "
                      f"coupled) ({len(notes.hubs)}): {', '.join(notes.hubs)}", highlight=False)
    if notes.placed_by_folder:
        console.print(f"{len(notes.placed_by_folder)} module(s) with no imports either way were placed with the "
                      "package most of their folder went to", highlight=False)


def _print_layering(console: Any, proposal: Proposal) -> None:
    tangles = [w for w in proposal.order if w.tangle]
    if tangles:
        console.print(f"[bold]Tangles between proposed packages[/] ({len(tangles)}: packages importing each other "
                      "in a cycle)")
        for w in tangles:
            console.print(f"  {len(w.packages)} packages: {', '.join(w.packages)}", highlight=False)
    if proposal.inversions:
        console.print("[bold]Dependency inversions[/] (edges against the intended layering; a protocol in the "
                      "importing package would declare these names)")
        for inv in proposal.inversions:
            console.print(f"  {inv.source} → {inv.target}: {', '.join(inv.names)}", highlight=False)
    console.print("[bold]Extraction order[/] (a wave depends only on earlier waves; a tangle is untied first)")
    for i, wave in enumerate(proposal.order, start=1):
        if wave.tangle:
            invert = ", ".join(f"{a} → {b}" for a, b in wave.invert)
            console.print(f"  {i}. untie first: {', '.join(wave.packages)} (invert {invert})", highlight=False)
        else:
            console.print(f"  {i}. {', '.join(wave.packages)}", highlight=False)
    unplaced = [m for m in proposal.unassigned if m not in proposal.notes.roots]
    if unplaced:
        limit = MAX_LIST if console.is_terminal else len(unplaced)  # whole outside a terminal
        more = f" … (+{len(unplaced) - limit})" if len(unplaced) > limit else ""
        console.print(f"[bold]Unplaced[/] ({len(unplaced)}, not a package): {', '.join(unplaced[:limit])}{more}",
                      highlight=False)


def print_score(console: Any, s: Score, label: str) -> None:
    console.print(f"[bold]{label}[/]: {s.modules} modules in {s.clusters} packages"
                  + (f" (reference: {s.reference_clusters})" if s.reference_clusters is not None else ""),
                  highlight=False)
    if s.mojofm is not None:
        console.print(f"  MoJoFM     {s.mojofm:6.2f}  (100 = the reference; MoJo distance {s.mojo})")
    console.print(f"  TurboMQ    {s.turbomq:6.2f}")
    console.print(f"  modularity {s.modularity:6.3f}")
    console.print(f"  cross-boundary import edges {s.cross_edges}")
    for warning in s.warnings:
        console.print(f"[yellow]warning[/]: {warning}", highlight=False)
