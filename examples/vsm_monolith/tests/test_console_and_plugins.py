import importlib.util
from pathlib import Path

from vsm.console.cli import main
from vsm.s3.audit import Audit
from vsm.s4.environment import Environment
from vsm.telemetry.metrics import Metrics

PLUGINS = Path(__file__).resolve().parent.parent / "vsm" / "plugins"


def load_plugin(name):
    spec = importlib.util.spec_from_file_location(f"vsm.plugins.{name}", PLUGINS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_console_status_and_run(capsys):
    assert main(["run"]) == 0
    out = capsys.readouterr().out
    assert "vsm: remain viable" in out
    assert "s1.done" in out


def test_plugins_work():
    env = Environment()
    env.observe("demand", 1.0)
    env.observe("demand", 4.0)
    assert load_plugin("variety_amplifier").amplify(env) == {"demand": 6.0}
    metrics = Metrics()
    metrics.incr("x")
    assert load_plugin("audit_hooks").sweep(metrics, Audit()) == 1
