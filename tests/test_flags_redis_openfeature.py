"""The Redis backend against a real redis-server, and the OpenFeature provider."""

import time

from conftest import new_flag, run_cli
from openfeature import api
from openfeature.evaluation_context import EvaluationContext
from openfeature.exception import ErrorCode
from openfeature.flag_evaluation import Reason

from vsmctl.flags import Flags
from vsmctl.flags.openfeature import VsmctlProvider

FLAG = "extract.vsm-s3-control"


def wait_for(predicate, seconds=5.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def test_flip_with_redis_backend_reaches_running_clients(tmp_path, redis_url):
    (tmp_path / ".git").mkdir()
    assert run_cli("flag", "create", FLAG, "--backend", redis_url, cwd=tmp_path).returncode == 0
    late = Flags.from_redis(redis_url, check_interval=0.01)  # starts after the first publish
    try:
        assert wait_for(lambda: FLAG in late.keys)
        assert late.enabled(FLAG, key="user-42") is False
        result = run_cli("flag", "flip", FLAG, "on", "--backend", redis_url, cwd=tmp_path)
        assert result.returncode == 0 and "published to" in result.stdout
        assert wait_for(lambda: late.enabled(FLAG, key="user-42"))
        # the file stays the record
        assert Flags.from_workspace(tmp_path).enabled(FLAG, key="user-42") is True
    finally:
        late.close()


def test_redis_client_keeps_last_good_flags_on_a_bad_message(redis_url):
    import json

    import redis

    from vsmctl.flags.redis_channel import publish

    publish(redis_url, json.dumps({"flags": {"f": new_flag("f", rollout={"percent": 100, "variant": "on"})}}))
    flags = Flags.from_redis(redis_url)
    try:
        assert wait_for(lambda: flags.enabled("f", key="u"))
        client = redis.Redis.from_url(redis_url)
        client.publish("vsm:flags", b"{ broken")
        client.close()
        time.sleep(0.3)
        assert flags.enabled("f", key="u") is True
    finally:
        flags.close()


def test_backend_unreachable_is_one_line_after_recording(tmp_path):
    (tmp_path / ".git").mkdir()
    result = run_cli("flag", "create", FLAG, "--backend", "redis://127.0.0.1:1/0", cwd=tmp_path)
    assert result.returncode == 2
    assert "the change is recorded, but publishing to redis://127.0.0.1:1/0 failed" in result.stderr
    assert (tmp_path / ".vsm" / "flags.json").exists()


def test_openfeature_provider(tmp_path):
    import json

    path = tmp_path / "flags.json"
    path.write_text(json.dumps({"flags": {
        FLAG: new_flag(FLAG, rules=[{"attribute": "country", "op": "in", "value": ["de"], "variant": "on"}],
                       rollout={"percent": 100, "variant": "on", "by": "targetingKey"}),
        "color": new_flag("color", type="string", variants={"r": "red", "g": "green"}, default_variant="g"),
    }}))
    api.set_provider(VsmctlProvider(Flags.from_file(path)))
    client = api.get_client()
    details = client.get_boolean_details(FLAG, False, EvaluationContext("user-1", {"country": "de"}))
    assert (details.value, details.variant, details.reason) == (True, "on", Reason.TARGETING_MATCH)
    details = client.get_boolean_details(FLAG, False, EvaluationContext("user-1"))
    assert (details.value, details.reason) == (True, Reason.SPLIT)
    assert client.get_string_value("color", "none") == "green"
    missing = client.get_boolean_details("missing", True)
    assert missing.value is True and missing.error_code == ErrorCode.FLAG_NOT_FOUND
    mismatch = client.get_boolean_details("color", False)
    assert mismatch.value is False and mismatch.reason == Reason.ERROR
