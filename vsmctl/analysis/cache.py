"""The analysis cache (`.vsm/cache/`): an unchanged tree is not analyzed again.

The key is every module file's path, size and modification time (what grimp's own cache uses
too), the packages found and the vsmctl version. A hit skips grimp and classification
entirely; a miss still benefits from grimp's per-file cache beside it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from pathlib import Path

from vsmctl import __version__
from vsmctl.analysis.discovery import SourceTree
from vsmctl.analysis.model import ModuleGraph
from vsmctl.workspace import atomic_write_text

FORMAT = 1


def fingerprint(tree: SourceTree) -> str:
    digest = hashlib.sha256()
    digest.update(f"{FORMAT}\0{__version__}\0{tree.source_root}\0{','.join(tree.packages)}\n".encode())
    for row in tree.fingerprint_rows():
        digest.update(row.encode("utf-8", "surrogateescape"))
        digest.update(b"\n")
    return digest.hexdigest()


def _entry(cache_dir: Path, tree: SourceTree) -> Path:
    name = hashlib.sha1(str(tree.root).encode()).hexdigest()[:16]
    return cache_dir / f"graph-{name}.json"


def load(cache_dir: Path, tree: SourceTree) -> ModuleGraph | None:
    path = _entry(cache_dir, tree)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("fingerprint") != fingerprint(tree):
            return None
        return ModuleGraph.from_dict(data["graph"])
    except (OSError, ValueError, KeyError, TypeError):
        return None  # a missing or damaged cache is only a slower run


def store(cache_dir: Path, tree: SourceTree, graph: ModuleGraph) -> None:
    payload = {"fingerprint": fingerprint(tree), "graph": graph.to_dict()}
    # A cache that cannot be written must never fail an analysis.
    with contextlib.suppress(Exception):
        atomic_write_text(_entry(cache_dir, tree), json.dumps(payload, separators=(",", ":")))
