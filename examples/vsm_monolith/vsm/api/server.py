"""HTTP server: rate limits, routes and serialises."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from vsm.api import handlers
from vsm.api.routes import resolve
from vsm.app import System
from vsm.rate_limiter.limiter import RateLimiter


def make_server(system: System, port: int = 0, limiter: RateLimiter | None = None) -> ThreadingHTTPServer:
    limiter = limiter or RateLimiter(system.settings)

    class Handler(BaseHTTPRequestHandler):
        def _serve(self, method: str) -> None:
            if not limiter.allow(self.client_address[0]):
                return self._reply(429, {"error": "rate limited"})
            name = resolve(method, self.path)
            if name is None:
                return self._reply(404, {"error": "not found"})
            length = int(self.headers.get("Content-Length") or 0)
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
            except json.JSONDecodeError:
                return self._reply(400, {"error": "invalid JSON"})
            code, payload = getattr(handlers, name)(system, body)
            self._reply(code, payload)

        def _reply(self, code: int, payload: dict) -> None:
            data = json.dumps(payload).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802 - the stdlib's naming
            self._serve("GET")

        def do_POST(self) -> None:  # noqa: N802
            self._serve("POST")

        def log_message(self, *args: object) -> None:
            pass

    return ThreadingHTTPServer(("127.0.0.1", port), Handler)
