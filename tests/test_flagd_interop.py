"""vsmctl's flags and flagd agree: `flag export --format flagd` in the real openfeature-provider-flagd
(file mode, in process), and vsmctl's bucketing equal to flagd's `fractional` for every key."""

import json
import random
import time

import pytest
from conftest import run_cli
from git_repos import ANALYST, init_repo

from vsmctl.flags import Flags
from vsmctl.flags.bucketing import cbor_text, fractional_bucket, murmur3_32
from vsmctl.flags.evaluation import bucket

flagd = pytest.importorskip("openfeature.contrib.provider.flagd", reason="openfeature-provider-flagd is a test extra")

KEYS = [f"user-{i}" for i in range(1200)] + ["", "ü-ñ-日本", "x" * 30, "y" * 300, "z" * 70_000]


@pytest.fixture()
def ws(tmp_path):
    init_repo(tmp_path, ANALYST)
    return tmp_path


def vsm(ws, *args):
    result = run_cli("flag", *args, cwd=ws)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_murmur3_is_the_reference_hash():
    mmh3 = pytest.importorskip("mmh3", reason="mmh3 comes with openfeature-provider-flagd")
    rng = random.Random(7)
    for _ in range(3000):
        data = rng.randbytes(rng.randint(0, 90))
        seed = rng.choice((0, 1, 0x9747B28C))
        assert murmur3_32(data, seed) == mmh3.hash(data, seed, signed=False)


def test_cbor_text_is_what_flagd_hashes():
    cbor2 = pytest.importorskip("cbor2", reason="cbor2 comes with openfeature-provider-flagd")
    for text in KEYS[:50] + KEYS[-5:]:
        assert cbor_text(text) == cbor2.dumps(text, canonical=True)


def test_bucket_equals_flagd_fractional_for_every_key():
    from openfeature.contrib.tools.flagd.core.targeting.custom_ops import fractional

    for total in (100, 10_000, 7):
        for key in KEYS:
            text = f"extract.vsm-s3-control.{key}"
            # flagd's own operator, one weight per bucket: the variant it returns is the bucket
            picks = fractional({}, text, *[[b, 1] for b in range(total)]) if total <= 100 else None
            expected = picks if picks is not None else _flagd_bucket(fractional, text, total)
            assert fractional_bucket(text, total) == expected, (key, total)


def _flagd_bucket(fractional, text, total):
    # bisect on flagd's answer for [["in", w], ["out", total - w]]: the bucket is the least w with "in"
    lo, hi = 0, total
    while lo < hi:
        mid = (lo + hi) // 2
        if fractional({}, text, ["in", mid + 1], ["out", total - mid - 1]) == "in":
            hi = mid
        else:
            lo = mid + 1
    return lo


def _provider_client(path, domain):
    from openfeature import api
    from openfeature.contrib.provider.flagd import FlagdProvider
    from openfeature.contrib.provider.flagd.config import ResolverType

    provider = FlagdProvider(resolver_type=ResolverType.FILE, offline_flag_source_path=str(path))
    api.set_provider(provider, domain=domain)
    client = api.get_client(domain=domain)
    # the provider reads the file on a thread of its own: wait until it is ready, not a fixed time
    from openfeature.provider import ProviderStatus

    deadline = time.monotonic() + 20
    while client.get_provider_status() != ProviderStatus.READY:
        assert time.monotonic() < deadline, f"flagd provider not ready: {client.get_provider_status()}"
        time.sleep(0.02)
    return client, provider


def test_export_evaluates_the_same_in_the_real_flagd_provider(ws, tmp_path):
    from openfeature.evaluation_context import EvaluationContext

    splits = {"s.zero": 0, "s.one": 1, "s.quarter": 25, "s.third": 33.33, "s.half": 50, "s.most": 99.99,
              "s.all": 100}
    for name, percent in splits.items():
        vsm(ws, "create", name)
        vsm(ws, "flip", name, "on", "--percent", str(percent))
    vsm(ws, "create", "ruled")
    vsm(ws, "set", "ruled", "--rule", "country in de,fr -> on", "--rule", "version semver >=2.0.0-rc.10 -> on",
        "--percent", "10", "--variant", "on")
    vsm(ws, "create", "colour", "--type", "string", "--variants", "red=red,green=green,blue=blue", "--default", "red")
    vsm(ws, "set", "colour", "--percent", "40", "--variant", "blue", "--by", "tenant")
    vsm(ws, "create", "killed")
    vsm(ws, "flip", "killed", "on", "--percent", "50")
    vsm(ws, "flip", "killed", "off")
    exported = tmp_path / "flagd.json"
    vsm(ws, "export", "--format", "flagd", "-o", str(exported))
    doc = json.loads(exported.read_text())
    weights = [w for f in doc["flags"].values() for w in json.dumps(f.get("targeting", {})).split()]
    assert not any(w.rstrip(",]").endswith(".0") for w in weights)  # integer weights only

    ours = Flags.from_workspace(ws)
    client, provider = _provider_client(exported, "interop")
    try:
        disagree, checked = [], 0
        for i, key in enumerate(KEYS[:1200]):
            attrs = {"country": ("de", "us", "jp")[i % 3], "version": ("2.0.0-rc.9", "2.0.0-rc.10", "1.9.0")[i % 3],
                     "tenant": f"t{i % 97}"}
            ctx = EvaluationContext(key, attrs)
            for name in (*splits, "ruled", "killed"):
                theirs = client.get_boolean_details(name, False, ctx)
                mine = ours.evaluate(name, False, key=key, context=attrs)
                checked += 1
                if (theirs.value, theirs.variant) != (mine.value, mine.variant):
                    disagree.append((name, key, theirs.value, mine.value, theirs.variant, mine.variant))
            theirs = client.get_string_value("colour", "none", ctx)
            checked += 1
            if theirs != ours.value("colour", "none", key=key, context=attrs):
                disagree.append(("colour", key, theirs))
        assert checked >= 1200 * 10 and disagree == []
        # the splits really split, in both: a quarter is about a quarter
        inside = sum(ours.enabled("s.quarter", key=k) for k in KEYS[:1200])
        assert 250 < inside < 350
    finally:
        provider.shutdown()


def test_existing_buckets_are_flagds_not_crc32():
    # the migration is one event: a key's bucket is flagd's since this release
    import zlib

    moved = sum(bucket("f", k) != zlib.crc32(f"f.{k}".encode()) % 10_000 for k in KEYS[:1000])
    assert moved > 990
