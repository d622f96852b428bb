from vsm.goldrush.bus import Bus
from vsm.goldrush.engine import Engine
from vsm.goldrush.events import Event
from vsm.goldrush.patterns import Pattern


def test_engine_fires_matching_rules_only():
    bus = Bus()
    engine = Engine(bus)
    seen = []
    engine.rule(Pattern("order", {"size": "big"}), lambda e: seen.append(e.data["id"]))
    engine.rule(Pattern("*"), lambda e: None)
    bus.publish(Event("order", {"size": "big", "id": 1}))
    bus.publish(Event("order", {"size": "small", "id": 2}))
    bus.publish(Event("other", {"size": "big", "id": 3}))
    assert seen == [1]
    assert engine.fired == 4
    assert bus.published == 3
