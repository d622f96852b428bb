"""`vsmctl parallel-run run | diff | gate` against callables, commands and real HTTP servers."""

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import write_tree
from parallel_helpers import pr, replay_workspace

IMPLS = '''
import uuid

def old(x):
    return {"id": str(uuid.uuid4()), "total": x["a"] + x["b"], "items": [x["a"], x["b"]]}

def new(x):
    if x["a"] == 9:
        raise ZeroDivisionError("new code")
    total = x["a"] + x["b"] + (1 if x["a"] == 7 else 0)
    items = [x["a"], x["b"]] if x["b"] != 3 else [x["b"], x["a"]]
    return {"id": str(uuid.uuid4()), "total": total, "items": items}
'''


@pytest.fixture()
def work(tmp_path):
    return replay_workspace(tmp_path, IMPLS)


def test_replay_callables_with_secondary_noise_and_diff_grouping(work):
    result = pr(work, "run", "sum", "--inputs", "inputs.jsonl", "--control", "impls:old", "--candidate", "impls:new",
                "--secondary", "impls:old", "-j", "4")
    assert result.returncode == 0, result.stderr
    doc = json.loads(pr(work, "diff", "sum", "--json").stdout)
    [rep] = doc["experiments"]
    assert rep["samples"] == 100
    assert rep["noise_paths"] == ["$.id"]  # learned from control vs secondary
    groups = {tuple(g["paths"]): g["count"] for g in rep["shapes"]}
    # a=9 raises (10); a=7 changes the total (10, one of them b=3 too); b=3 swaps the items (10, but
    # a=3 swaps equal items, a=9 raised, a=7 is counted with the total)
    assert groups == {("<exception>",): 10, ("$.total",): 9, ("$.items[*]",): 7, ("$.items[*]", "$.total"): 1}
    assert rep["errors"] == {"ZeroDivisionError": 10}
    assert rep["noise"] == 73 and rep["match_rate"] == 73.0  # differing only in the noisy id
    example = next(g for g in rep["shapes"] if g["paths"] == ["$.total"])["examples"][0]
    assert example["differences"] == [{"path": "$.total", "control": example["control"]["total"],
                                       "candidate": example["control"]["total"] + 1}]
    assert example["context"]["input"]["a"] == 7
    assert rep["control"]["p50"] > 0 and set(rep["ratio"]) == {"p50", "p95", "p99"}


def test_gate_exit_codes(work):
    assert pr(work, "run", "sum", "--inputs", "inputs.jsonl", "--control", "impls:old", "--candidate", "impls:new",
              "--secondary", "impls:old").returncode == 0
    passed = pr(work, "gate", "sum", "--min-match", "70", "--min-samples", "100")
    assert passed.returncode == 0 and "gate passed" in passed.stdout
    failed = pr(work, "gate", "sum", "--min-match", "99.9", "--min-samples", "100")
    assert failed.returncode == 1 and "FAIL match rate" in failed.stdout
    too_few = pr(work, "gate", "sum", "--min-samples", "1000")
    assert too_few.returncode == 1
    unknown = pr(work, "gate", "nothing", "--min-samples", "1")
    assert unknown.returncode == 1
    no_threshold = pr(work, "gate", "sum")
    assert no_threshold.returncode == 2 and "at least one threshold" in no_threshold.stderr


def test_replay_shell_commands(work):
    write_tree(work, {
        "old.py": "import json, sys\nx = json.load(sys.stdin)\nprint(json.dumps({'total': x['a'] + x['b']}))\n",
        "new.py": "import json, sys\nx = json.load(sys.stdin)\n"
                  "print(json.dumps({'total': x['a'] + x['b'] * (2 if x['b'] == 5 else 1)}))\n",
    })
    (work / "few.jsonl").write_text("".join(json.dumps({"a": 1, "b": b}) + "\n" for b in range(8)))
    py = sys.executable
    result = pr(work, "run", "cmd", "--inputs", "few.jsonl", "--control-cmd", f"{py} old.py",
                "--candidate-cmd", f"{py} new.py", "-j", "2")
    assert result.returncode == 0, result.stderr
    rep = json.loads(pr(work, "diff", "cmd", "--json").stdout)["experiments"][0]
    assert rep["samples"] == 8 and rep["mismatches"] == 1
    assert rep["shapes"][0]["paths"] == ["$.total"]


class _Handler(BaseHTTPRequestHandler):
    version = "old"

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        total = body["a"] + body["b"]
        if self.version == "new" and body["b"] == 2:
            total += 10
        payload = json.dumps({"total": total}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


def serve(version):
    handler = type(f"H{version}", (_Handler,), {"version": version})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_replay_real_http_servers_on_loopback(work):
    old, new = serve("old"), serve("new")
    try:
        (work / "few.jsonl").write_text("".join(json.dumps({"a": 1, "b": b}) + "\n" for b in range(6)))
        result = pr(work, "run", "http", "--inputs", "few.jsonl",
                    "--control-url", f"http://127.0.0.1:{old.server_address[1]}/sum",
                    "--candidate-url", f"http://127.0.0.1:{new.server_address[1]}/sum", "-j", "3")
        assert result.returncode == 0, result.stderr
    finally:
        old.shutdown()
        new.shutdown()
    rep = json.loads(pr(work, "diff", "http", "--json").stdout)["experiments"][0]
    assert rep["samples"] == 6 and rep["mismatches"] == 1
    assert rep["shapes"][0]["paths"] == ["$.body.total"]
    html = work / "report.html"
    assert pr(work, "diff", "--html", str(html)).returncode == 0
    assert "$.body.total" in html.read_text() and "<script" not in html.read_text()


def test_bad_input(work):
    (work / "bad.jsonl").write_text('{"a": 1, "b": 2}\n{oops\n')
    result = pr(work, "run", "x", "--inputs", "bad.jsonl", "--control", "impls:old", "--candidate", "impls:new")
    assert result.returncode == 2 and "bad.jsonl:2: not JSON" in result.stderr
    result = pr(work, "run", "x", "--inputs", "inputs.jsonl", "--control", "impls:nope", "--candidate", "impls:new")
    assert result.returncode == 2 and "impls has no nope" in result.stderr
    result = pr(work, "diff", "x")
    assert result.returncode == 2 and "no parallel-run observations yet" in result.stderr
    result = pr(work, "diff", "--since", "yesterday-ish")
    assert result.returncode == 2
