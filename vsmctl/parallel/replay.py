"""`parallel-run run`: replay recorded inputs against two implementations (CLI side).

An implementation is a Python callable (`pkg.module:function`), a shell command that reads the
input as JSON on stdin and prints its answer, or an HTTP service (the input is POSTed as JSON).
With a secondary (a second instance of the control), what differs between control and
secondary is noise, learned per field path and left out of mismatches (Diffy's idea).
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vsmctl.errors import InputError
from vsmctl.parallel.experiment import Result, _Config, _finish

SECONDARY = "@secondary"
REPLAY_MARK = "$replay"  # a key of the context of every replayed observation


class TargetFailed(Exception):
    """An implementation answered with an error (a non-zero exit, an HTTP error status)."""


@dataclass(frozen=True)
class Target:
    label: str
    call: Callable[[Any], Any]


def python_target(spec: str) -> Target:
    module_name, sep, attr = spec.partition(":")
    if not sep or not module_name or not attr:
        raise InputError(f"'{spec}' is not module.path:function")
    import importlib

    if "" not in sys.path and str(Path.cwd()) not in sys.path:
        sys.path.insert(0, str(Path.cwd()))
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:
        raise InputError(f"cannot import {module_name} ({type(exc).__name__}: {exc})") from None
    fn: Any = module
    for part in attr.split("."):
        fn = getattr(fn, part, None)
        if fn is None:
            raise InputError(f"{module_name} has no {attr}")
    if not callable(fn):
        raise InputError(f"{spec} is not callable")

    def call(payload: Any) -> Any:
        if isinstance(payload, dict) and set(payload) <= {"args", "kwargs"} and payload:
            return fn(*payload.get("args", ()), **payload.get("kwargs", {}))
        return fn(payload)

    return Target(spec, call)


def command_target(command: str, timeout: float = 60.0) -> Target:
    import subprocess

    def call(payload: Any) -> Any:
        done = subprocess.run(command, shell=True, input=json.dumps(payload), capture_output=True, text=True,
                              timeout=timeout)
        if done.returncode != 0:
            tail = done.stderr.strip().splitlines()[-1:] or [""]
            raise TargetFailed(f"exit {done.returncode}: {tail[0][:200]}")
        out = done.stdout.strip()
        try:
            return json.loads(out)
        except ValueError:
            return out

    return Target(command, call)


def http_target(url: str, timeout: float = 30.0) -> Target:
    import urllib.error
    import urllib.request

    def call(payload: Any) -> Any:
        method, target, body = "POST", url, payload
        if isinstance(payload, dict) and "path" in payload and set(payload) <= {"method", "path", "body"}:
            method = str(payload.get("method", "GET")).upper()
            target = url.rstrip("/") + "/" + str(payload["path"]).lstrip("/")
            body = payload.get("body")
        data = None if body is None or method == "GET" else json.dumps(body).encode()
        request = urllib.request.Request(target, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                raw = response.read()
                status = response.status
        except urllib.error.HTTPError as err:
            raw, status = err.read(), err.code
        except urllib.error.URLError as err:
            raise TargetFailed(f"{target}: {err.reason}") from None
        try:
            parsed = json.loads(raw)
        except ValueError:
            parsed = raw.decode("utf-8", "replace")
        return {"status": status, "body": parsed}

    return Target(url, call)


def make_target(python: str | None, command: str | None, url: str | None, role: str) -> Target | None:
    given = [x for x in (python, command, url) if x]
    if len(given) > 1:
        raise InputError(f"give the {role} once: a callable, a command or a URL")
    if python:
        return python_target(python)
    if command:
        return command_target(command)
    if url:
        if not url.startswith(("http://", "https://")):
            raise InputError(f"--{role}-url: '{url}' is not an http:// URL")
        return http_target(url)
    return None


def read_inputs(path: Path) -> list[Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such inputs file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read ({exc})") from None
    inputs = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            inputs.append(json.loads(line))
        except ValueError as exc:
            raise InputError(f"{path}:{number}: not JSON ({exc.args[0]})") from None
    if not inputs:
        raise InputError(f"{path}: no inputs (one JSON value a line)")
    return inputs


@dataclass(frozen=True)
class ReplaySummary:
    experiment: str
    inputs: int
    seconds: float
    database: str


def _timed(target: Target, payload: Any, name: str) -> Result:
    result = Result(name)
    start = time.perf_counter_ns()
    try:
        result.value = target.call(payload)
    except Exception as exc:
        result.exc = exc
        result.error = f"{type(exc).__name__}: {exc}"[:500]
    result.ns = time.perf_counter_ns() - start
    return result


def replay(experiment: str, inputs: list[Any], control: Target, candidate: Target, secondary: Target | None,
           database: str, concurrency: int = 1,
           progress: Callable[[str, int, int], None] | None = None,
           compare: Callable[[Any, Any], bool] | None = None) -> ReplaySummary:
    from concurrent.futures import ThreadPoolExecutor

    from vsmctl.parallel.store_choice import recorder_for

    if concurrency < 1:
        raise InputError(f"--concurrency must be at least 1, not {concurrency}")
    recorder = recorder_for(database)
    cfg = _Config(experiment, recorder=recorder, compare=compare)

    def one(payload: Any) -> None:
        steps = [("control", control), ("candidate", candidate)]
        if secondary is not None:
            steps.append((SECONDARY, secondary))
        random.shuffle(steps)
        results = {name: _timed(target, payload, name) for name, target in steps}
        observed = [results["candidate"]]
        if secondary is not None:
            observed.append(results[SECONDARY])
        # full observations (values kept) so that noise and examples can be reported
        _finish(_with_context(cfg, payload), results["control"], observed)

    start = time.perf_counter()
    done = 0
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        for _ in pool.map(one, inputs):
            done += 1
            if progress is not None and (done % 10 == 0 or done == len(inputs)):
                progress("replaying inputs", done, len(inputs))
    recorder.flush(timeout=120)
    if recorder.dropped:
        raise InputError(f"{recorder.dropped} observation(s) could not be written to {database}")
    return ReplaySummary(experiment, len(inputs), time.perf_counter() - start, database)


def _with_context(cfg: _Config, payload: Any) -> _Config:
    # the input is the context of its observation: examples in `diff` show what was asked; the
    # marker tells replayed observations from those recorded in code (see store_reports.sources)
    copy = _Config(cfg.name, recorder=cfg.recorder, compare=cfg.compare, context={REPLAY_MARK: True, "input": payload})
    return copy
