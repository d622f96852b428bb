"""The Elixir flag reader (Vsmctl.Flags, generated into a monolith by branch by abstraction)
against the Python client: the same bucket for the same key, the same answers from flags.eterm
as from flags.json. Runs Debian's `elixir`."""

import subprocess

import pytest
from conftest import require_tool

from vsmctl.flags.bucketing import fractional_bucket
from vsmctl.flags.eterm import render
from vsmctl.flags.evaluation import bucket, evaluate
from vsmctl.strangler.elixir.flags_module import SOURCE


@pytest.fixture()
def elixir(tmp_path):
    require_tool("elixir", "apt-get install elixir (Debian's Elixir and Erlang/OTP)")
    module = tmp_path / "flags.ex"
    module.write_text(SOURCE, encoding="utf-8")
    return module


def keys(n):
    """Short and long keys (CBOR heads of one, two and three bytes), ASCII and not."""
    out = []
    for i in range(n):
        kind = i % 5
        out.append([f"user-{i}", f"tenant/{i}/ü-{i * 7919}", "k" * (i % 300), f"{i}", f"ä€😀{i}" * (i % 40)][kind])
    return out


def run_elixir(module, tmp_path, script):
    done = subprocess.run(["elixir", "-r", str(module), "-e", script], cwd=tmp_path, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.splitlines()


def test_python_and_elixir_buckets_are_equal_for_10000_keys(elixir, tmp_path):
    sample = keys(10_000)
    (tmp_path / "keys.txt").write_text("\n".join(sample) + "\n", encoding="utf-8")
    script = ('File.read!("keys.txt") |> String.split("\\n") |> Enum.drop(-1) '
              '|> Enum.each(&IO.puts(Vsmctl.Flags.bucket("extract.vsm-config", &1)))')
    from_elixir = [int(line) for line in run_elixir(elixir, tmp_path, script)]
    from_python = [bucket("extract.vsm-config", key) for key in sample]
    assert len(from_elixir) == 10_000
    assert from_elixir == from_python
    assert from_python[:3] == [fractional_bucket(f"extract.vsm-config.{k}", 10_000) for k in sample[:3]]
    assert len(set(from_python)) > 5000  # spread over the buckets (about 63% of 10,000 for distinct keys)


def test_flags_eterm_answers_as_flags_json_does(elixir, tmp_path):
    flags = {
        "split": {"key": "split", "type": "boolean", "variants": {"on": True, "off": False}, "default_variant": "off",
                  "rollout": {"percent": 33.33, "variant": "on", "by": "targetingKey"}},
        "ruled": {"key": "ruled", "type": "string", "variants": {"a": "alpha", "b": "beta"}, "default_variant": "a",
                  "rules": [{"attribute": "targetingKey", "op": "starts_with", "value": "vip-", "variant": "b"}]},
        "off": {"key": "off", "type": "boolean", "variants": {"on": True, "off": False}, "default_variant": "on",
                "state": "disabled"},
    }
    vsm = tmp_path / ".vsm"
    vsm.mkdir()
    (vsm / "flags.eterm").write_text(render(flags), encoding="utf-8")
    sample = [f"user-{i}" for i in range(1500)] + [f"vip-{i}" for i in range(50)]
    (tmp_path / "keys.txt").write_text("\n".join(sample) + "\n", encoding="utf-8")
    script = ('File.read!("keys.txt") |> String.split("\\n") |> Enum.drop(-1) |> Enum.each(fn k -> '
              'IO.puts(inspect({Vsmctl.Flags.value("split", k, :none), Vsmctl.Flags.value("ruled", k, :none), '
              'Vsmctl.Flags.value("off", k, :none)})) end)')
    got = run_elixir(elixir, tmp_path, script)

    def ex(value):  # as Elixir's inspect writes it
        return f'"{value}"' if isinstance(value, str) else {True: "true", False: "false", None: ":none"}[value]

    want = ["{" + ", ".join(ex(evaluate(flags[name], {"targetingKey": k}, None).value) for name in
                            ("split", "ruled", "off")) + "}" for k in sample]
    assert got == want
    assert sum("{true" in line for line in got) in range(400, 620)  # about a third inside the split


def test_the_erlang_terms_projection_is_written_only_where_elixir_can_read_it(tmp_path):
    from vsmctl.flags.store import FlagStore
    from vsmctl.workspace import Workspace

    for name, mix in (("python-only", False), ("with-mix", True)):
        root = tmp_path / name
        (root / ".git").mkdir(parents=True)
        if mix:
            (root / "apps" / "core").mkdir(parents=True)
            (root / "apps" / "core" / "mix.exs").write_text("defmodule Core.MixProject do\nend\n")
        store = FlagStore(Workspace(root))
        store.change("f", "created", lambda _: {"key": "f", "type": "boolean", "state": "enabled",
                                                 "variants": {"on": True, "off": False}, "default_variant": "off",
                                                 "rules": [], "rollout": None}, "tester")
        assert (root / ".vsm" / "flags.json").is_file()
        assert (root / ".vsm" / "flags.eterm").is_file() is mix
