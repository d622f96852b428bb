"""`analyze monolith --propose` output: terminal and JSON; and `analyze score`."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from vsmctl.analysis.model import ModuleGraph
from vsmctl.propose.proposal import Proposal
from vsmctl.propose.scoring import Score
from vsmctl.propose.seeded import Decision

MAX_LIST = 8


def _site(graph: ModuleGraph | None, site: Any) -> dict[str, Any]:
    file = graph.modules[site.importer].path if graph is not None else None
    return {"file": file, "line": site.line, "importer": site.importer, "imported": site.imported,
            "kind": site.kind, "text": site.text}


def proposal_to_dict(proposal: Proposal, graph: ModuleGraph | None = None) -> dict[str, Any]:
    return {
        "version": 1,
        "mode": proposal.mode,
        "resolution": proposal.resolution,
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
        "extraction_order": [list(wave) for wave in proposal.order],
        "decisions": [asdict(d) for d in proposal.decisions],
        "unassigned": list(proposal.unassigned),
    }


def print_proposal(console: Any, proposal: Proposal, graph: ModuleGraph) -> None:
    _print_packages(console, proposal)
    _print_members(console, proposal, graph)
    _print_decisions(console, proposal.decisions)
    _print_layering(console, proposal)


def _print_packages(console: Any, proposal: Proposal) -> None:
    from rich.table import Table

    how = ("seeded by the roadmap's patterns" if proposal.mode == "seeded"
           else f"unsupervised (Louvain, resolution {proposal.resolution})")
    s = proposal.score
    console.print(f"[bold]Proposed packages[/]: {len(proposal.packages)}, {how}; modularity {s.modularity}, "
                  f"TurboMQ {s.turbomq}, {s.cross_edges} import edges cross a boundary", highlight=False)
    table = Table(title_justify="left")
    for col in ("package", "modules", "lines", "cohesion", "out", "in", "depends on"):
        table.add_column(col, justify="left" if col in ("package", "depends on") else "right")
    for p in proposal.packages:
        table.add_row(p.name, str(len(p.members)), str(p.lines), str(p.cohesion), str(p.coupling_out),
                      str(p.coupling_in), ", ".join(p.depends_on))
    console.print(table)


def _print_members(console: Any, proposal: Proposal, graph: ModuleGraph) -> None:
    for p in proposal.packages:
        more = f" … (+{len(p.members) - MAX_LIST})" if len(p.members) > MAX_LIST else ""
        shown = ", ".join(p.members[:MAX_LIST]) + more
        console.print(f"[bold]{p.name}[/]: {shown}", highlight=False)
        for why in p.bound:
            console.print(f"    kept together: {why}", highlight=False)
        if p.crossing:
            site = p.crossing[0]
            more = f" (+{len(p.crossing) - 1} more)" if len(p.crossing) > 1 else ""
            console.print(f"    crosses its boundary: {graph.modules[site.importer].path}:{site.line} "
                          f"[cyan]{site.text}[/]{more}", highlight=False)


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


def _print_layering(console: Any, proposal: Proposal) -> None:
    if proposal.cycles:
        console.print(f"[bold]Cycles between proposed packages[/] ({len(proposal.cycles)})")
        for c in proposal.cycles:
            console.print(f"  {' → '.join(c.example)}", highlight=False)
    if proposal.inversions:
        console.print("[bold]Dependency inversions[/] (edges against the intended layering; a protocol in the "
                      "importing package would declare these names)")
        for inv in proposal.inversions:
            console.print(f"  {inv.source} → {inv.target}: {', '.join(inv.names)}", highlight=False)
    console.print("[bold]Extraction order[/] (each wave depends only on earlier ones)")
    for i, wave in enumerate(proposal.order, start=1):
        console.print(f"  {i}. {', '.join(wave)}", highlight=False)


def print_score(console: Any, s: Score, label: str) -> None:
    console.print(f"[bold]{label}[/]: {s.modules} modules in {s.clusters} packages"
                  + (f" (reference: {s.reference_clusters})" if s.reference_clusters is not None else ""),
                  highlight=False)
    if s.mojofm is not None:
        console.print(f"  MoJoFM     {s.mojofm:6.2f}  (100 = the reference; MoJo distance {s.mojo})")
    console.print(f"  TurboMQ    {s.turbomq:6.2f}")
    console.print(f"  modularity {s.modularity:6.3f}")
    console.print(f"  cross-boundary import edges {s.cross_edges}")
