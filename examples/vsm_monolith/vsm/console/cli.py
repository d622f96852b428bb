"""Console entry point: `python -m vsm.console.cli status`."""

from __future__ import annotations

import argparse
import sys

from vsm.app import build_system
from vsm.console.views import render_status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="vsm")
    parser.add_argument("command", choices=["status", "run"])
    args = parser.parse_args(argv)
    system = build_system()
    if args.command == "run":
        system.operations.run([(1, "unit-a", 5.0), (2, "unit-b", 3.0)])
    print(render_status(system.status()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
