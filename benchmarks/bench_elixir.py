"""Elixir analysis: a synthetic 250-file Phoenix-style app, the same 10x larger, and Elixir's own source.

Targets (issue: Elixir monoliths): the 250-file app analyzed in at most 1.0 s as a whole process
cold, 0.3 s warm; the 10x tree shows whether cost grows linearly. Elixir's own source (its six
Mix apps, from `apt-get source elixir`, Debian's package) checks that every module is found: the
reference is the set of `.beam` files Debian's compiled `elixir` package ships.

What a "whole process" is: `vsmctl analyze monolith TREE` once the CLI routes Mix projects to the
Elixir frontend; until then (the language seam is merged separately) the same steps in one
process without the CLI layer: import, discover, fingerprint, cache lookup, parse and resolve,
cache write, strongly connected components. The table says which one was measured.

    python benchmarks/bench_elixir.py [--repeat N] [--elixir-source DIR]

DIR is Debian's source package unpacked: `apt-get source --download-only elixir` (it needs a
deb-src entry; one in a private sources folder passed with -o Dir::Etc::SourceParts=... will do),
then `tar xf elixir-lang_*.orig.tar.xz`.
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

from _common import WORK, Run, machine, median_run, precompile, record, run_process

PY = sys.executable
HERE = Path(__file__).resolve().parent
APPS = ("eex", "elixir", "ex_unit", "iex", "logger", "mix")
DEBIAN_EBIN = Path("/usr/lib/elixir/lib")


def cli_works(tree: Path) -> bool:
    done = subprocess.run([PY, "-m", "vsmctl", "analyze", "monolith", str(tree), "--no-cache"],
                          capture_output=True, text=True)
    return done.returncode == 0


def one_run(tree: Path, use_cli: bool) -> Run:
    if use_cli:
        return run_process([PY, "-m", "vsmctl", "analyze", "monolith", str(tree)])
    return run_process([PY, str(HERE / "elixir_once.py"), str(tree)], cwd=HERE.parent)


def cold_and_warm(tree: Path, repeat: int, use_cli: bool) -> tuple[Run, Run]:
    cold = []
    for _ in range(repeat):
        shutil.rmtree(tree / ".vsm", ignore_errors=True)
        cold.append(one_run(tree, use_cli))
    warm = [one_run(tree, use_cli) for _ in range(repeat)]
    return median_run(cold), median_run(warm)


def synthetic(files: int) -> tuple[Path, int, int]:
    from elixir_tree import generate

    tree = WORK / f"elixir-phoenix-{files}"
    if not (tree / "mix.exs").is_file():
        shutil.rmtree(tree, ignore_errors=True)
        generate(tree, files)
    sources = list(tree.rglob("*.ex"))
    lines = sum(p.read_bytes().count(b"\n") for p in sources)
    return tree, len(sources), lines


def elixir_source(source: Path) -> tuple[Path, str]:
    """Elixir's six apps as one umbrella (`apps_path: "lib"`), and what was found against Debian's beams."""
    from vsmctl.analysis.elixir.frontend import ElixirFrontend

    tree = WORK / "elixir-source"
    if not (tree / "lib" / "elixir").is_dir():
        shutil.rmtree(tree, ignore_errors=True)
        tree.mkdir(parents=True)
        shutil.copytree(source / "lib", tree / "lib")
        (tree / "mix.exs").write_text('defmodule ElixirSource.MixProject do\n  use Mix.Project\n'
                                      '  def project, do: [apps_path: "lib"]\nend\n')
    frontend = ElixirFrontend()
    graph = frontend.build(frontend.discover(tree, ()), None)
    beams = {os.path.basename(p)[len("Elixir."):-len(".beam")]
             for app in APPS for p in glob.glob(str(DEBIAN_EBIN / app / "ebin" / "Elixir.*.beam"))}
    found = set(graph.modules)
    per_app = []
    for app in APPS:
        app_beams = {os.path.basename(p)[len("Elixir."):-len(".beam")]
                     for p in glob.glob(str(DEBIAN_EBIN / app / "ebin" / "Elixir.*.beam"))}
        per_app.append(f"{app} {len(app_beams & found)}/{len(app_beams)}")
    missing = sorted(beams - found)
    unresolved = sum(1 for p in graph.problems if p.kind == "unresolved-module")
    score = _score_against_apps(tree, graph)
    note = (f"{len(beams & found)} of the {len(beams)} modules Debian's `elixir` package ships compiled were found "
            f"({', '.join(per_app)}); {len(found - beams)} found that it does not ship. Not found: "
            f"{', '.join(missing) or 'none'}. {unresolved} unresolved-module reports, "
            f"{len(graph.imports)} reference sites. {score}")
    return tree, note


def _score_against_apps(tree: Path, graph) -> str:  # type: ignore[no-untyped-def]
    """MoJoFM of `--propose` (unsupervised) against the six apps, next to plain Louvain's."""
    import json
    import statistics

    import networkx as nx

    from vsmctl.propose.scoring import mojofm

    truth = {name: info.path.split("/")[1] for name, info in graph.modules.items()}  # lib/<app>/...
    truth_file = WORK / "elixir-source-apps.json"
    truth_file.write_text(json.dumps(truth))
    done = subprocess.run([PY, "-m", "vsmctl", "analyze", "score", str(tree), "--reference", str(truth_file),
                           "--propose", "--json"], capture_output=True, text=True, check=True)
    ours = json.loads(done.stdout)
    undirected = nx.Graph()
    undirected.add_nodes_from(graph.modules)
    for (a, b), sites in graph.edges().items():
        weight = undirected.get_edge_data(a, b, {}).get("weight", 0) + len(sites)
        undirected.add_edge(a, b, weight=weight)
    louvain = []
    for seed in range(1, 6):
        communities = nx.community.louvain_communities(undirected, weight="weight", seed=seed)
        louvain.append(mojofm({m: str(i) for i, c in enumerate(communities) for m in c}, truth))
    return (f"Against the six apps as the reference partition: `vsmctl analyze score --propose` MoJoFM "
            f"{ours['mojofm']} ({ours['clusters']} packages); plain Louvain (networkx, seeds 1-5) MoJoFM "
            f"{statistics.median(louvain)} median.")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--elixir-source", type=Path, default=None,
                        help="an unpacked `apt-get source elixir` (the folder holding lib/)")
    args = parser.parse_args()
    precompile()
    small, small_files, small_lines = synthetic(250)
    large, large_files, large_lines = synthetic(2500)
    use_cli = cli_works(small)
    how = "`vsmctl analyze monolith`" if use_cli else "the frontend in one process without the CLI (see the script)"
    cold, warm = cold_and_warm(small, args.repeat, use_cli)
    large_cold, large_warm = cold_and_warm(large, max(1, args.repeat // 3), use_cli)
    rows = [
        f"| synthetic Phoenix-style, {small_files} files, {small_lines} lines | {cold.seconds:.2f} s "
        f"({cold.max_rss_mb:.0f} MB) | {warm.seconds:.2f} s |",
        f"| the same 10x: {large_files} files, {large_lines} lines | {large_cold.seconds:.2f} s "
        f"({large_cold.max_rss_mb:.0f} MB) | {large_warm.seconds:.2f} s |",
    ]
    notes = [
        f"- 250 files cold: {cold.seconds:.2f} s (target <= 1.0 s: {'met' if cold.seconds <= 1.0 else 'NOT met'}); "
        f"warm: {warm.seconds:.2f} s (target <= 0.3 s: {'met' if warm.seconds <= 0.3 else 'NOT met'})",
        f"- {large_files / small_files:.1f}x the files ({large_lines / small_lines:.1f}x the lines) cost "
        f"{large_cold.seconds / cold.seconds:.1f}x the cold time (linear: parsing is the bulk, and start-up "
        "is paid once)",
    ]
    if args.elixir_source is not None:
        tree, note = elixir_source(args.elixir_source)
        src_cold, src_warm = cold_and_warm(tree, max(1, args.repeat // 3), use_cli)
        files = len(list((tree / "lib").glob("*/lib/**/*.ex")))
        rows.append(f"| Elixir 1.14.0's six apps (`apt-get source elixir`), {files} files in compile paths "
                    f"| {src_cold.seconds:.2f} s ({src_cold.max_rss_mb:.0f} MB) | {src_warm.seconds:.2f} s |")
        notes.append(f"- Elixir's own source (Debian's `elixir-lang` source package, its `lib/` as an umbrella "
                     f"of six apps): {note}")
    body = "\n".join([
        "## Elixir analysis (issue: Elixir monoliths)",
        "",
        f"Command: `python benchmarks/bench_elixir.py --repeat {args.repeat}"
        f"{' --elixir-source DIR' if args.elixir_source else ''}`; machine: {machine()}.",
        f"Measured: {how}. Wall time of whole processes (start-up and imports included), median of the "
        "runs; peak RSS in brackets. *Cold*: no `.vsm/cache`; *warm*: nothing changed since the last run.",
        "",
        "| tree | cold | warm |",
        "|---|---|---|",
        *rows,
        "",
        *notes,
    ])
    record("elixir", body)
    print(body)


if __name__ == "__main__":
    main()
