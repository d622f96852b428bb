import pytest

from vsm.core.clock import Clock
from vsm.core.registry import Registry
from vsm.core.supervisor import Supervisor
from vsm.core.types import Message, Resource
from vsm.s1.units import OperationalUnit


def test_resource_free_never_negative():
    r = Resource("cpu", 2.0, used=3.0)
    assert r.free == 0.0


def test_clock_advances_when_frozen():
    c = Clock(start=10.0)
    c.advance(2.5)
    assert c.now() == 12.5


def test_registry_dispatches_and_lists_units():
    reg = Registry()
    unit = OperationalUnit("u", {"cpu": Resource("cpu", 5.0)})
    reg.register("u", unit)
    with pytest.raises(KeyError):
        reg.register("u", unit)
    reply = reg.dispatch(Message("t", "u", "work", {"cost": 2.0}))
    assert reply is not None and reply.kind == "done"
    assert reg.units() == [unit]


def test_supervisor_restarts_then_gives_up():
    calls = []

    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise RuntimeError("boom")
        return "ok"

    assert Supervisor(max_restarts=3).run("x", flaky) == "ok"
    with pytest.raises(RuntimeError):
        Supervisor(max_restarts=1).run("y", always_fails)


def always_fails():
    raise RuntimeError("always")
