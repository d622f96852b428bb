"""The `analyze score` service: which partition to score, the reference to score it against."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from vsmctl.analysis.model import ModuleGraph
from vsmctl.analysis.report import load_graph
from vsmctl.errors import InputError
from vsmctl.propose.coupling import import_weights
from vsmctl.propose.scoring import Score, score


def load_mapping(path: Path, what: str) -> dict[str, str]:
    """A YAML or JSON file mapping module -> package."""
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: {what} file not found") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputError(f"{path}: cannot read the {what} ({type(exc).__name__})") from None
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise InputError(f"{path}: expected a mapping of module name to package name")
    return data


def score_partition(path: Path, reference: Path, roadmap: Path | None, partition: Path | None,
                    propose: bool, cut_cycles: bool = True) -> tuple[Score, str]:
    truth = load_mapping(reference, "reference")
    graph, _ = load_graph(path)
    if partition is not None:
        mapping, label = load_mapping(partition, "partition"), f"partition {partition}"
    elif propose:
        from vsmctl.propose.service import propose_boundaries

        _graph, proposal = propose_boundaries(path, roadmap, cut_cycles=cut_cycles)
        mapping, label = proposal.partition, f"{proposal.mode} proposal"
    elif roadmap is not None:
        from vsmctl.roadmap.loader import load_roadmap
        from vsmctl.roadmap.patterns import assign

        mapping, label = dict(assign(load_roadmap(roadmap), graph.modules).package_of), f"roadmap {roadmap}"
    else:
        raise InputError("what to score: --roadmap FILE, --partition FILE or --propose")
    return compare(mapping, truth, graph.modules, edges_of(graph)), label


UNASSIGNED = "(unassigned) "


def edges_of(graph: ModuleGraph) -> list[tuple[str, str, float]]:
    return [(a, b, w) for (a, b), w in import_weights(graph).items()]


def compare(mapping: dict[str, str], truth: dict[str, str], analyzed: Iterable[str],
            edges: list[tuple[str, str, float]]) -> Score:
    """Every module of the reference counts: one the partition leaves out is a package of its own
    (a proposal cannot score 100 by assigning only the easy modules). What the two sides do not
    share is said in the score's warnings."""
    if not truth:
        raise InputError("the reference maps no module to a package")
    analyzed = set(analyzed)
    if not analyzed & set(truth):
        raise InputError("the reference names none of the analyzed modules (is it for another codebase?)")
    whole = {m: mapping.get(m, UNASSIGNED + m) for m in truth}
    warnings = []
    left_out = [m for m in truth if m not in mapping]
    if left_out:
        warnings.append(f"{len(left_out)} module(s) of the reference are in no package of the partition; each "
                        f"counts as a package of its own (first: {sorted(left_out)[0]})")
    not_analyzed = sorted(m for m in truth if m not in analyzed)
    if not_analyzed:
        warnings.append(f"{len(not_analyzed)} module(s) of the reference are not in the analyzed code "
                        f"(first: {not_analyzed[0]})")
    extra = sorted(m for m in mapping if m not in truth)
    if extra:
        warnings.append(f"{len(extra)} module(s) of the partition are not in the reference and were not scored "
                        f"(first: {extra[0]})")
    return replace(score(whole, edges, truth), warnings=tuple(warnings))
