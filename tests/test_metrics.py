"""Prometheus metrics: a known sequence of experiment calls and flag evaluations in a fresh process,
then a real scrape of /metrics over HTTP, and the values checked."""

import json
import socket
import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("prometheus_client", reason="prometheus-client is the prometheus extra")
from prometheus_client.parser import text_string_to_metric_families

SCRIPT = textwrap.dedent('''
    import json, sys, time, urllib.request
    import vsmctl.metrics
    vsmctl.metrics.enable(port=int(sys.argv[1]), addr="127.0.0.1")
    from vsmctl.flags import Flags
    from vsmctl.parallel import experiment, default_recorder

    def old(x):
        if x == 7:
            raise KeyError(x)          # the control's own exception, compared and re-raised
        return {"total": x * 2, "items": [x]}

    def new(x):
        if x == 5:
            raise ValueError("new code")
        if x == 3:
            return {"total": x * 2 + 1, "items": [x]}
        if x == 4:
            return {"total": 0, "items": [0]}
        return {"total": x * 2, "items": [x]}

    run = experiment("calc", candidate=new)(old)
    for x in range(10):
        try:
            run(x)
        except KeyError:
            pass

    def slow():
        time.sleep(0.3)
    run_slow = experiment("slow", candidate=slow, timeout=0.02)(lambda: None)
    run_slow()

    flags = Flags.from_file(sys.argv[2])
    for user in ("u1", "u2", "u3"):
        flags.enabled("everyone", key=user)
    flags.enabled("killed", key="u1")
    flags.enabled("killed", key="u2")
    flags.enabled("missing", key="u1")
    flags.evaluate("everyone", False, key="u9")
    flags.evaluate("ruled", False, context={"country": "de"})
    assert default_recorder().flush(30)
    print(urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/metrics", timeout=10).read().decode())
''')


def flag(key, **extra):
    return {"key": key, "type": "boolean", "state": "enabled", "variants": {"on": True, "off": False},
            "default_variant": "off", "rules": [], "rollout": None, **extra}


def test_scrape_after_a_known_sequence(tmp_path):
    flags = {
        "everyone": flag("everyone", rollout={"percent": 100, "variant": "on", "by": "targetingKey"}),
        "killed": flag("killed", state="disabled", rollout={"percent": 50, "variant": "on", "by": "targetingKey"}),
        "ruled": flag("ruled", rules=[{"attribute": "country", "op": "in", "value": ["de"], "variant": "on"}],
                      rollout={"percent": 12.5, "variant": "on", "by": "targetingKey"}),
    }
    (tmp_path / "flags.json").write_text(json.dumps({"flags": flags}))
    (tmp_path / "script.py").write_text(SCRIPT)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    out = subprocess.run([sys.executable, "script.py", str(port), str(tmp_path / "flags.json")], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120,
                         env={"VSMCTL_PARALLEL_STORE": str(tmp_path / "obs.sqlite"), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    samples = {}
    for family in text_string_to_metric_families(out.stdout):
        for s in family.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value

    def value(name, **labels):
        return samples.get((name, tuple(sorted(labels.items()))))

    calc = {"experiment": "calc", "candidate": "new"}
    assert value("vsmctl_experiment_observations_total", **calc) == 10
    # x=0,1,2,6,8,9 match; 3 and 4 differ in fields; 5 (the candidate raises) and 7 (the control
    # raises, the candidate answers) differ by an exception
    assert value("vsmctl_experiment_matches_total", **calc) == 6
    assert value("vsmctl_experiment_mismatches_total", **calc, shape="$.total") == 1
    assert value("vsmctl_experiment_mismatches_total", **calc, shape="$.items[*],$.total") == 1
    assert value("vsmctl_experiment_mismatches_total", **calc, shape="<exception>") == 2
    assert value("vsmctl_experiment_candidate_exceptions_total", **calc, exception="ValueError") == 1
    assert value("vsmctl_experiment_candidate_exceptions_total", **calc, exception="KeyError") is None
    assert value("vsmctl_experiment_timeouts_total", experiment="slow", candidate="slow") == 1
    assert value("vsmctl_experiment_observations_total", experiment="slow", candidate="slow") == 1
    # histograms: every control timed, every candidate but the timed-out one
    assert value("vsmctl_experiment_duration_seconds_count", **calc, side="control") == 10
    assert value("vsmctl_experiment_duration_seconds_count", **calc, side="candidate") == 10
    assert value("vsmctl_experiment_duration_seconds_count", experiment="slow", candidate="slow",
                 side="candidate") is None
    assert value("vsmctl_experiment_duration_seconds_bucket", **calc, side="control", le="+Inf") == 10
    assert 0 < value("vsmctl_experiment_duration_seconds_sum", **calc, side="control") < 1
    assert value("vsmctl_parallel_dropped_total") == 0
    # flags
    assert value("vsmctl_flag_evaluations_total", flag="everyone", variant="on", reason="SPLIT") == 4
    assert value("vsmctl_flag_evaluations_total", flag="killed", variant="", reason="DISABLED") == 2
    assert value("vsmctl_flag_evaluations_total", flag="missing", variant="", reason="ERROR") == 1
    assert value("vsmctl_flag_evaluations_total", flag="ruled", variant="on", reason="TARGETING_MATCH") == 1
    assert value("vsmctl_flag_rollout_percent", flag="everyone") == 100
    assert value("vsmctl_flag_rollout_percent", flag="killed") == 0
    assert value("vsmctl_flag_rollout_percent", flag="ruled") == 12.5


def test_grafana_dashboard_queries_the_exported_metrics():
    from pathlib import Path

    board = json.loads((Path(__file__).parent.parent / "deploy" / "grafana" / "vsmctl-cutover.json").read_text())
    exprs = [t["expr"] for panel in board["panels"] for t in panel.get("targets", [])]
    assert exprs and all("vsmctl_" in e for e in exprs)
    names = {"vsmctl_experiment_matches_total", "vsmctl_experiment_observations_total",
             "vsmctl_experiment_duration_seconds_bucket", "vsmctl_flag_rollout_percent",
             "vsmctl_parallel_dropped_total", "vsmctl_flag_evaluations_total"}
    assert all(any(n in e for e in exprs) for n in names)
