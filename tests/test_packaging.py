"""A plain (non-editable) install ships templates/ and the default roadmap.yaml."""

import os
import subprocess
import sys
import zipfile

from conftest import REPO


def test_wheel_ships_templates_and_roadmap(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist), str(REPO)],
        check=True, capture_output=True, timeout=300,
    )
    [wheel] = list(dist.glob("vsmctl-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "vsmctl/_data/roadmap.yaml" in names
    assert "vsmctl/_data/templates/python-package/copier.yml" in names
    # the graph page's layout library, vendored with its licence (the page needs no network)
    assert {"vsmctl/render/assets/dagre/dagre.min.js", "vsmctl/render/assets/dagre/LICENSE",
            "vsmctl/render/assets/graph_page.js", "vsmctl/render/assets/graph_page.css"} <= names

    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    probe = ("from vsmctl.resources import templates_dir, default_roadmap;"
             "print(templates_dir()); print(default_roadmap().read_text()[:200])")
    out = subprocess.run([sys.executable, "-c", probe], env={**os.environ, "PYTHONPATH": str(site)},
                         cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    assert str(site / "vsmctl" / "_data" / "templates") in out
    assert "VSM migration roadmap" in out
