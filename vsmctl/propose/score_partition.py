"""The `analyze score` service: which partition to score, the reference to score it against."""

from __future__ import annotations

from pathlib import Path

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
                    propose: bool, cut_cycles: bool = False) -> tuple[Score, str]:
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
    common = set(mapping) & set(truth) & set(graph.modules)
    if not common:
        raise InputError(f"{reference}: names none of the modules in the partition")
    mapping = {m: mapping[m] for m in common}
    edges = [(a, b, w) for (a, b), w in import_weights(graph).items()]
    return score(mapping, edges, {m: truth[m] for m in common}), label
