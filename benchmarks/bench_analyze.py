"""`vsmctl analyze monolith` against `grimp.build_graph` alone, on sympy and django from PyPI.

Targets (issue: foundation): end to end cold at most 2x grimp cold; warm at most half of our own
cold; `vsmctl --help` under 0.3 s. Each figure is the median of REPEAT fresh processes.

    python benchmarks/bench_analyze.py [--repeat N]
"""

from __future__ import annotations

import argparse
import shutil
import sys

from _common import PROJECTS, Run, fetch, machine, median_run, precompile, record, run_process

PY = sys.executable


def grimp_cold(site, name: str) -> Run:
    code = f"import sys; sys.path.insert(0, {str(site)!r}); import grimp; grimp.build_graph({name!r}, cache_dir=None)"
    return run_process([PY, "-c", code])


def vsmctl(site, name: str, *extra: str) -> Run:
    return run_process([PY, "-m", "vsmctl", "analyze", "monolith", str(site / name), *extra])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    precompile()
    rows = []
    verdicts = []
    for name in PROJECTS:
        site = fetch(name)
        cache = site / name / ".vsm"
        # Interleaved, so that a noisy neighbour slows both sides alike.
        grimp_runs, cold_runs, cold_json_runs = [], [], []
        for _ in range(args.repeat):
            grimp_runs.append(grimp_cold(site, name))
            shutil.rmtree(cache, ignore_errors=True)
            cold_runs.append(vsmctl(site, name))
            shutil.rmtree(cache, ignore_errors=True)
            cold_json_runs.append(vsmctl(site, name, "--json"))
        grimp, cold, cold_json = median_run(grimp_runs), median_run(cold_runs), median_run(cold_json_runs)
        warm = median_run([vsmctl(site, name) for _ in range(args.repeat)])
        shutil.rmtree(cache, ignore_errors=True)
        ratio = cold.seconds / grimp.seconds
        warm_ratio = warm.seconds / cold.seconds
        rows.append(f"| {name} | {grimp.seconds:.2f} s ({grimp.max_rss_mb:.0f} MB) | {cold.seconds:.2f} s "
                    f"({cold.max_rss_mb:.0f} MB) | {cold_json.seconds:.2f} s ({cold_json.max_rss_mb:.0f} MB) | "
                    f"{warm.seconds:.2f} s ({warm.max_rss_mb:.0f} MB) | {ratio:.2f}x | {warm_ratio:.2f} |")
        verdicts.append(f"- {name}: cold/grimp = {ratio:.2f} (target <= 2: {'met' if ratio <= 2 else 'NOT met'}); "
                        f"warm/cold = {warm_ratio:.2f} (target <= 0.5: {'met' if warm_ratio <= 0.5 else 'NOT met'})")
    helps = median_run([run_process([PY, "-m", "vsmctl", "--help"]) for _ in range(max(args.repeat, 5))])
    verdicts.append(f"- `vsmctl --help`: {helps.seconds:.3f} s (target < 0.3 s: "
                    f"{'met' if helps.seconds < 0.3 else 'NOT met'})")
    body = "\n".join([
        "## analyze monolith (issue: foundation)",
        "",
        f"Command: `python benchmarks/bench_analyze.py --repeat {args.repeat}`; machine: {machine()}.",
        "Wall time of whole processes (Python start-up and imports included), median of the runs; "
        "peak RSS in brackets. *Cold*: no `.vsm/cache`; *warm*: nothing changed since the last run.",
        "",
        "| project | grimp.build_graph, cold | vsmctl cold | vsmctl cold --json | vsmctl warm | cold / grimp "
        "| warm / cold |",
        "|---|---|---|---|---|---|---|",
        *rows,
        "",
        *verdicts,
    ])
    record("analyze", body)
    print(body)


if __name__ == "__main__":
    main()
