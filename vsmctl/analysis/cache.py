"""The analysis cache (`.vsm/cache/`): an unchanged tree is not analyzed again.

The key is what the frontend found (`SourceSet`): every source file's path, size and
modification time (what grimp's own cache uses too), whatever else shapes the graph (source
roots, packages, apps), the language and the vsmctl version. A hit skips the frontend's build
entirely.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from pathlib import Path

from vsmctl import __version__
from vsmctl.analysis.frontend import SourceSet
from vsmctl.analysis.model import ModuleGraph
from vsmctl.workspace import atomic_write_text

FORMAT = 2


def fingerprint(found: SourceSet) -> str:
    digest = hashlib.sha256()
    digest.update(f"{FORMAT}\0{__version__}\0{found.language}\0{found.key}\n".encode("utf-8", "surrogateescape"))
    for row in found.rows:
        digest.update(row.encode("utf-8", "surrogateescape"))
        digest.update(b"\n")
    return digest.hexdigest()


def _entry(cache_dir: Path, found: SourceSet) -> Path:
    # one entry per folder and language: reading a folder as another language never evicts the first
    name = hashlib.sha1(f"{found.language}\0{found.root}".encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return cache_dir / f"graph-{name}.json"


def load(cache_dir: Path, found: SourceSet) -> ModuleGraph | None:
    path = _entry(cache_dir, found)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("fingerprint") != fingerprint(found):
            return None
        return ModuleGraph.from_dict(data["graph"])
    except (OSError, ValueError, KeyError, TypeError):
        return None  # a missing or damaged cache is only a slower run


def store(cache_dir: Path, found: SourceSet, graph: ModuleGraph) -> None:
    payload = {"fingerprint": fingerprint(found), "graph": graph.to_dict()}
    # A cache that cannot be written must never fail an analysis.
    with contextlib.suppress(Exception):
        atomic_write_text(_entry(cache_dir, found), json.dumps(payload, separators=(",", ":")))
