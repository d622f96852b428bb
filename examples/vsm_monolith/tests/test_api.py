import json
import threading
import urllib.error
import urllib.request

import pytest

from vsm.api.server import make_server
from vsm.app import build_system


@pytest.fixture()
def base_url():
    server = make_server(build_system())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def call(url, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method="POST" if data else "GET")
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_health_and_status(base_url):
    assert call(base_url + "/health") == (200, {"ok": True})
    code, body = call(base_url + "/status")
    assert code == 200 and body["units"] == ["unit-a", "unit-b"]


def test_allocate_and_alert(base_url):
    assert call(base_url + "/allocate", {"budget": 10, "demand": {"a": 10, "b": 30}}) == (
        200,
        {"allocation": {"a": 2.5, "b": 7.5}},
    )
    assert call(base_url + "/alert", {"source": "s1", "intensity": 0.95}) == (200, {"decision": "emergency"})
    assert call(base_url + "/allocate", {"budget": "x"})[0] == 400
    assert call(base_url + "/nowhere")[0] == 404
