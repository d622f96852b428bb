"""The look every HTML page of vsmctl shares: the graph page's stylesheet (assets/graph_page.css)."""

from __future__ import annotations

from importlib import resources


def page_css() -> str:
    return resources.files("vsmctl.render").joinpath("assets", "graph_page.css").read_text(encoding="utf-8")
