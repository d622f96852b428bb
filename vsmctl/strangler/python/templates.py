"""The Python files the backend writes at the old paths: shims and facades."""

MODULE_SHIM = '''"""Moved to {new} by `vsmctl extract` ({package}). This shim keeps `{old}` working.

It stands in for the new module itself (same object: patches and isinstance checks still hold)
and warns once. Remove it with `vsmctl extract finish {package}`.
"""

import sys
import warnings

import {new} as _moved

warnings.warn("{old} moved to {new}; import it from there", DeprecationWarning, stacklevel=2)
sys.modules[__name__] = _moved
'''

PACKAGE_SHIM = '''"""Moved to {new} by `vsmctl extract` ({package}). This shim keeps `{old}` importable.

`{old}` *is* `{new}` (the same module object), and `{old}.x` is `{new}.x`: an alias finder
hands out the new modules, never second copies, so `mock.patch("{old}.x.f")` patches the code
that runs. It warns once per module. Remove it with `vsmctl extract finish {package}`.
"""

import importlib
import importlib.abc
import importlib.util
import sys
import warnings

import {new} as _moved

_OLD, _NEW = "{old}", "{new}"


class _Alias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name, path=None, target=None):
        if name.startswith(_OLD + "."):
            return importlib.util.spec_from_loader(name, self)
        return None

    def create_module(self, spec):
        module = importlib.import_module(_NEW + spec.name[len(_OLD):])
        spec.loader_state = module.__spec__  # the import system overwrites __spec__: put it back
        return module

    def exec_module(self, module):
        module.__spec__ = module.__spec__.loader_state
        new = module.__name__
        warnings.warn(f"{{_OLD + new[len(_NEW):]}} moved to {{new}}; import it from there", DeprecationWarning,
                      stacklevel=2)


if not any(type(f).__name__ == "_Alias" and getattr(f, "old", None) == _OLD for f in sys.meta_path):
    _finder = _Alias()
    _finder.old = _OLD
    sys.meta_path.insert(0, _finder)
warnings.warn(f"{{_OLD}} moved to {{_NEW}}; import it from there", DeprecationWarning, stacklevel=2)
sys.modules[__name__] = _moved
'''

FACADE = '''"""Facade for {old} (`vsmctl extract --via abstraction`, {package}).

Each use routes to the monolith's implementation ({legacy}) or to the extracted one ({new}) by
the feature flag `{flag}`: `vsmctl flag flip {flag} on` cuts over, `off` rolls back; no deploy.
A request's targeting key (set per request: `with targeting(user_id):`, or the WSGI/ASGI
middleware of `{runtime}.targeting`) keeps its calls on one side; without a key, the flag's
rollout percentage is the share of calls routed to the new code. Functions switch on every
call; classes and constants when they are looked up.
"""

import importlib as _importlib
import itertools as _itertools
import os as _os
import sys as _sys
import types as _types

from {runtime} import Flags as _Flags
from {runtime}.targeting import current_key as _current_key

_FLAG = "{flag}"
_flags = _Flags.from_workspace(_os.path.dirname(_os.path.abspath(__file__)))
_calls = _itertools.count()


def _implementation():
    key = _current_key()
    if key is None:  # no request key: each call is bucketed on its own, so N% of calls go new
        key = f"call-{{next(_calls)}}"
    return _importlib.import_module("{new}" if _flags.enabled(_FLAG, key=key) else "{legacy}")


def __getattr__(name):
    if name.startswith("__") and name.endswith("__") and name != "__all__":
        raise AttributeError(name)  # the import system's probes (__path__, __file__ ...) are this module's
    value = getattr(_implementation(), name)
    if callable(value) and not isinstance(value, type):
        def routed(*args, **kwargs):
            return getattr(_implementation(), name)(*args, **kwargs)

        routed.__name__ = routed.__qualname__ = name
        routed.__doc__ = getattr(value, "__doc__", None)
        return routed
    return value


def __dir__():
    return sorted(set(dir(_implementation())))


class _Routed(_types.ModuleType):
    """Public names route even when this module holds an attribute of that name: importing a
    submodule `pkg.send` sets `pkg.send` to the submodule, where the package meant its function."""

    def __getattribute__(self, name):
        if not name.startswith("_"):
            try:
                return __getattr__(name)
            except AttributeError:
                pass
        return super().__getattribute__(name)


_sys.modules[__name__].__class__ = _Routed
# the old code's import-time effects happen as before (a package's __init__ imports its submodules)
_importlib.import_module("{legacy}")
'''
