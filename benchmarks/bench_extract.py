"""Moving a subpackage of sympy with every importer rewritten, against libcst parsing all of sympy.

Target (issue: extract): at most 10% of the time libcst needs to parse the whole sympy tree,
measured in the same run. The move is vsmctl's plan (grimp graph + text search for importers)
and its move step (codemods on the moved files and the importers only), on a copy of sympy.

    python benchmarks/bench_extract.py [--subpackage sympy.plotting]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from _common import fetch, machine, precompile, record

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subpackage", default="sympy.plotting")
    args = parser.parse_args()
    precompile()
    import libcst

    from vsmctl.roadmap.loader import parse_roadmap
    from vsmctl.strangler.plan import make_plan
    from vsmctl.strangler.python.backend import PythonBackend

    site = fetch("sympy")
    work = Path(tempfile.mkdtemp(prefix="vsmctl-extract-bench-"))
    shutil.copytree(site / "sympy", work / "sympy")
    files = sorted((work / "sympy").rglob("*.py"))

    start = time.perf_counter()
    for path in files:
        libcst.parse_module(path.read_text(encoding="utf-8"))
    parse_all = time.perf_counter() - start

    name = args.subpackage.replace(".", "-")
    roadmap = parse_roadmap({"monolith": ".", "packages": {name: {"category": "core", "modules": [args.subpackage]}}},
                            work / "roadmap.yaml")
    start = time.perf_counter()
    plan = make_plan(work, roadmap, name, monolith=work)
    planned = time.perf_counter() - start
    report = PythonBackend().move_modules(work, plan, keep_old=False)
    moved = time.perf_counter() - start
    shutil.rmtree(work, ignore_errors=True)
    ratio = moved / parse_all
    body = "\n".join([
        "## Extraction codemods (issue: extract)",
        "",
        f"Command: `python benchmarks/bench_extract.py --subpackage {args.subpackage}`; machine: {machine()}.",
        "",
        f"- libcst parsing every file of sympy ({len(files)} files): {parse_all:.1f} s",
        f"- vsmctl moving `{args.subpackage}` ({len(plan.files)} modules) with its importers rewritten "
        f"({len(plan.importers)} candidate files parsed, {len(set(report.changed_files))} files written): "
        f"{moved:.2f} s, of which planning (graph and text search) {planned:.2f} s",
        f"- ratio {ratio:.1%} (target ≤ 10%: {'met' if ratio <= 0.10 else 'NOT met'})",
    ])
    record("extract", body)
    print(body)


if __name__ == "__main__":
    main()
