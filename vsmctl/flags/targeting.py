"""The ambient targeting key: who the current request is for, without passing it down every call.

The application sets it once per request (`with targeting(user_id):`, or the WSGI/ASGI middleware
below); code deep inside (the facades `vsmctl extract --via abstraction` writes) reads it with
`current_key()` to route that request consistently. Standard library only.

Every copy of this module (vsmctl's, and the one vendored into each extracted package so that it
installs without vsmctl) shares one context variable, kept in a module registered in
`sys.modules` under a fixed name (in vsmctl's namespace, loaded from nowhere): a key the application
sets through any copy is the key every facade sees.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from typing import Any

_SHARED = "vsmctl.flags._shared_targeting_key"
_holder = sys.modules.setdefault(_SHARED, types.ModuleType(_SHARED))
KEY: ContextVar[Any] = _holder.__dict__.setdefault("key", ContextVar("vsmctl_targeting_key", default=None))

HEADER = "X-Targeting-Key"


def current_key() -> Any:
    """The current request's targeting key (None: none was set)."""
    return KEY.get()


def set_key(key: Any) -> Token[Any]:
    return KEY.set(key)


def reset_key(token: Token[Any]) -> None:
    KEY.reset(token)


@contextmanager
def targeting(key: Any) -> Iterator[None]:
    token = KEY.set(key)
    try:
        yield
    finally:
        KEY.reset(token)


def _wsgi_default(environ: dict[str, Any]) -> Any:
    return environ.get("HTTP_" + HEADER.upper().replace("-", "_")) or environ.get("REMOTE_USER")


class WSGIMiddleware:
    """`app = WSGIMiddleware(app, key=lambda environ: ...)`: each request runs with its key
    (default: the X-Targeting-Key header, else REMOTE_USER)."""

    def __init__(self, app: Callable[..., Any], key: Callable[[dict[str, Any]], Any] = _wsgi_default) -> None:
        self.app, self.key = app, key

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        token = KEY.set(self.key(environ))
        try:
            # a streamed body is produced after return: materialize it inside the context
            return list(self.app(environ, start_response))
        finally:
            KEY.reset(token)


def _asgi_default(scope: dict[str, Any]) -> Any:
    wanted = HEADER.lower().encode()
    for name, value in scope.get("headers") or ():
        if name.lower() == wanted:
            return value.decode("latin-1")
    return None


class ASGIMiddleware:
    """`app = ASGIMiddleware(app, key=lambda scope: ...)` for http and websocket scopes
    (default: the X-Targeting-Key header)."""

    def __init__(self, app: Callable[..., Any], key: Callable[[dict[str, Any]], Any] = _asgi_default) -> None:
        self.app, self.key = app, key

    async def __call__(self, scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        if scope.get("type") not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        token = KEY.set(self.key(scope))
        try:
            await self.app(scope, receive, send)
        finally:
            KEY.reset(token)
