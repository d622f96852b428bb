"""The flag model: buckets, rollout, rules, reasons, parsing."""

import itertools
import os
import subprocess
import sys

import pytest
from conftest import new_flag

from vsmctl.flags import DEFAULT, DISABLED, SPLIT, STATIC, TARGETING_MATCH, FlagError, bucket
from vsmctl.flags.evaluation import compile_flag, evaluate
from vsmctl.flags.model import parse_rule, parse_value, validate


def test_bucket_of_a_fixed_key_is_a_fixed_number():
    # flagd's fractional bucket of "<flag>.<key>" over 10,000 (murmur3 of its CBOR encoding), the
    # same on every machine and Python version; the figures come from mmh3 + cbor2 (flagd's own)
    assert bucket("extract.vsm-s3-control", "user-42") == 7493
    assert bucket("extract.vsm-s3-control", "user-43") == 3415
    assert bucket("a", "b") == 4604


def test_bucket_is_the_same_in_other_processes_whatever_the_hash_seed():
    code = "from vsmctl.flags import bucket; print(bucket('extract.vsm-s3-control', 'user-42'))"
    for seed in ("0", "1", "12345"):
        out = subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONHASHSEED": seed},
                             capture_output=True, text=True, check=True).stdout
        assert out.strip() == "7493"


def inside(flag, keys):
    fast = compile_flag(flag)
    return {k for k in keys if fast(k, False)}


def test_rollout_is_monotone_and_close_to_its_percentage():
    keys = [f"user-{i}" for i in range(4000)]
    sets = [inside(new_flag(rollout={"percent": p, "variant": "on", "by": "targetingKey"}), keys)
            for p in (0, 10, 30, 60, 100)]
    assert sets[0] == set() and sets[-1] == set(keys)
    for smaller, larger in itertools.pairwise(sets):
        assert smaller <= larger  # who is in stays in as the percentage rises
    assert abs(len(sets[2]) / len(keys) - 0.30) < 0.03


def test_fast_path_agrees_with_full_evaluation():
    flag = new_flag(rollout={"percent": 37.5, "variant": "on", "by": "targetingKey"})
    fast = compile_flag(flag)
    for i in range(500):
        assert fast(f"k{i}", False) == evaluate(flag, {"targetingKey": f"k{i}"}, False).value


def test_rules_in_order_then_split_then_default_with_reasons():
    flag = new_flag(
        variants={"a": "A", "b": "B", "c": "C"}, type="string", default_variant="c",
        rules=[parse_rule("country in de,fr -> a"), parse_rule("country == de -> b"),
               parse_rule("email starts-with admin@ -> b"), parse_rule("version semver >=2.1.0 -> a")],
    )
    assert evaluate(flag, {"country": "de"}, "x").value == "A"  # first matching rule wins
    assert evaluate(flag, {"country": "de"}, "x").reason == TARGETING_MATCH
    assert evaluate(flag, {"email": "admin@corp"}, "x").value == "B"
    assert evaluate(flag, {"version": "2.10.0"}, "x").value == "A"
    assert evaluate(flag, {"version": "2.1.0-rc1"}, "x").value == "C"  # a pre-release is below its release
    assert evaluate(flag, {"country": "it"}, "x").reason == DEFAULT
    assert evaluate(new_flag(), {}, False).reason == STATIC
    split = new_flag(rollout={"percent": 50, "variant": "on", "by": "targetingKey"})
    assert evaluate(split, {"targetingKey": "u"}, False).reason == SPLIT
    assert evaluate(split, {}, False).reason == DEFAULT  # no key to split on
    assert evaluate(new_flag(state="disabled"), {}, "code default") .value == "code default"
    assert evaluate(new_flag(state="disabled"), {}, True).reason == DISABLED


def test_split_on_another_attribute():
    flag = new_flag(rollout={"percent": 99.99, "variant": "on", "by": "tenant"})
    assert evaluate(flag, {"tenant": "acme"}, False).value is True
    assert compile_flag(flag)("user", False) is False  # the fast path has no tenant: default variant
    everyone = new_flag(rollout={"percent": 100, "variant": "on", "by": "tenant"})
    assert compile_flag(everyone)(None, False) is True  # 100% needs no key at all


@pytest.mark.parametrize("text", ["country ~ de -> on", "country in -> on", "v semver >=x.y -> on", "plan == pro"])
def test_rules_that_do_not_parse(text):
    with pytest.raises(FlagError):
        parse_rule(text)


def test_values_and_definitions_are_checked():
    assert parse_value("number", "3") == 3 and parse_value("json", '{"a": 1}') == {"a": 1}
    with pytest.raises(FlagError, match="not a boolean"):
        parse_value("boolean", "maybe")
    with pytest.raises(FlagError, match="variant 'on': variant value 'yes' is not a boolean"):
        validate(new_flag(variants={"on": "yes", "off": False}))
    with pytest.raises(FlagError, match="rollout percent"):
        validate(new_flag(rollout={"percent": 101, "variant": "on"}))
    with pytest.raises(FlagError, match="default variant"):
        validate(new_flag(default_variant="maybe"))
