"""The registered language frontends, and which one reads a folder.

Adding a language is adding a folder (`analysis/<language>/` with a `Frontend`) and one entry
in FRONTENDS. Order matters only for folders that hold several languages: the first that
claims a folder reads it, unless the user names a language.
"""

from __future__ import annotations

from pathlib import Path

from vsmctl.analysis.elixir.frontend import ElixirFrontend
from vsmctl.analysis.frontend import Frontend
from vsmctl.analysis.python.frontend import PythonFrontend
from vsmctl.errors import InputError

# Elixir first: a mix.exs at the top is an unmistakable claim, where a Python claim (any folder
# with an __init__.py) can be a Mix project's helper scripts.
FRONTENDS: list[Frontend] = [ElixirFrontend(), PythonFrontend()]


def languages() -> tuple[str, ...]:
    return tuple(f.language for f in FRONTENDS)


def frontend_for(path: Path, language: str | None = None) -> Frontend:
    """The frontend named by `language`, else the first that claims the folder at `path`."""
    if language is not None:
        for frontend in FRONTENDS:
            if frontend.language == language:
                return frontend
        raise InputError(f"unknown language '{language}' (known: {', '.join(languages())})")
    folder = Path(path)
    if not folder.exists():
        raise InputError(f"{path}: no such file or directory")
    if not folder.is_dir():
        raise InputError(f"{path}: not a folder (give the folder that holds the monolith's packages)")
    for frontend in FRONTENDS:
        if frontend.claims(folder):
            return frontend
    names = " or ".join(lang.capitalize() for lang in languages())
    raise InputError(f"{path}: holds no {names} package (languages tried: {', '.join(languages())})")
