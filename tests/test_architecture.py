"""The runtime promise of DESIGN.md: what a serving monolith imports loads the standard library only.

The layer contracts live in `.importlinter` (checked by `lint-imports` in CI); this checks what
they cannot: the modules that really load in a fresh interpreter.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import REPO

HEAVY = ("typer", "rich", "click", "libcst", "networkx", "grimp", "yaml", "ruamel", "git", "copier")
# The CLI side of the runtime packages: loaded only when a command runs.
CLI_SIDE = ("vsmctl.commands", "vsmctl.render", "vsmctl.flags.store", "vsmctl.flags.export",
            "vsmctl.parallel.report", "vsmctl.parallel.replay")

PROBE = """
import json, sys
import {module}
print(json.dumps(sorted(sys.modules)))
"""


def loaded_by(module: str) -> list[str]:
    # -S: no site-packages and no .pth hooks, so every module in sys.modules afterwards was
    # loaded by the standard library's start-up or by the import itself; the repository root
    # (the working directory) is where vsmctl comes from.
    out = subprocess.run([sys.executable, "-S", "-c", PROBE.format(module=module)], cwd=REPO,
                         capture_output=True, text=True, timeout=60, check=True).stdout
    return json.loads(out)


@pytest.mark.parametrize("module", ["vsmctl.flags", "vsmctl.parallel", "vsmctl.flags, vsmctl.parallel"])
def test_runtime_modules_load_only_the_standard_library(module):
    modules = loaded_by(module)
    assert "vsmctl.flags" in modules or "vsmctl.parallel" in modules  # the probe really imported it
    outside = sorted(m for m in modules
                     if m.split(".")[0] not in (*sys.stdlib_module_names, "vsmctl", "__main__"))
    assert outside == []
    assert [m for m in modules if m.split(".")[0] in HEAVY] == []
    assert [m for m in modules if m.startswith(CLI_SIDE)] == []


def test_the_probe_sees_a_third_party_import():
    """The check above can fail: a module outside the standard library is reported."""
    modules = subprocess.run([sys.executable, "-c", PROBE.format(module="vsmctl.commands")], cwd=REPO,
                             capture_output=True, text=True, timeout=60, check=True).stdout
    assert "typer" in json.loads(modules)
