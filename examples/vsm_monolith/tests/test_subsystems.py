import pytest

from vsm.algedonic.signals import Signal
from vsm.s1.operations import Operations
from vsm.s1.units import OperationalUnit
from vsm.core.types import Resource
from vsm.s2.coordination import Coordinator
from vsm.s2.dampener import Dampener
from vsm.s3.allocation import allocate
from vsm.s3.audit import Audit
from vsm.s3.control import Control
from vsm.s4.forecast import forecast
from vsm.s4.intelligence import Intelligence
from vsm.s5.policy import Policy
from vsm.telemetry.collector import Collector
from vsm.telemetry.metrics import Metrics
from vsm.telemetry.reporter import Reporter


def units():
    return [
        OperationalUnit("a", {"cpu": Resource("cpu", 3.0)}),
        OperationalUnit("b", {"cpu": Resource("cpu", 1.0)}),
    ]


def test_operations_run_in_priority_order_and_reject_over_capacity():
    ops = Operations(units())
    assert ops.run([(2, "a", 2.0), (1, "b", 2.0)]) == {"done": 1, "rejected": 1}


def test_dampener_smooths():
    d = Dampener(alpha=0.5)
    assert d.feed(10) == 10
    assert d.feed(0) == 5
    with pytest.raises(ValueError):
        Dampener(alpha=0)


def test_coordinator_escalates_to_control():
    us = units()
    control = Control(us)
    assert Coordinator(us).escalate(control, "a") == "intervened:a"
    assert control.interventions == ["a"]


def test_allocation_is_proportional_when_scarce():
    assert allocate(10, {"a": 10, "b": 30}) == {"a": 2.5, "b": 7.5}
    assert allocate(100, {"a": 10}) == {"a": 10}


def test_audit_finds_anomalies_with_forecast():
    assert forecast([]) == 0.0
    assert Audit().anomalies([10, 10, 10, 40]) == [3]


def test_intelligence_assesses_trend():
    assert Intelligence().assess([1.0]) == "unknown"
    assert Intelligence().assess([10, 10, 10]) == "stable"
    assert Intelligence().assess([10, 20, 40]) == "rising"


def test_policy_balances_and_reacts_to_pain():
    p = Policy()
    assert p.balance(1.0, 1.0) == "inside-and-now"
    assert p.on_signal(Signal("s1", 0.95)) == "emergency"
    assert p.on_signal(Signal("s1", 0.1)) == "noted"
    with pytest.raises(ValueError):
        Signal("s1", 1.5)


def test_reporter_feeds_audit():
    collector = Collector(Metrics())
    collector.record("load", 4.0)
    collector.record("load", 6.0)
    reporter = Reporter(collector)
    assert reporter.report("load") == 5.0
    assert reporter.audit.notes == [("telemetry.load", 5.0)]
