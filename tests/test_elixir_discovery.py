"""Finding a Mix project's sources as Mix would compile them: paths, umbrellas, what is left out."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import write_tree
from vsmctl.analysis.elixir.discovery import discover_mix
from vsmctl.analysis.elixir.frontend import ElixirFrontend
from vsmctl.errors import InputError

PATHS_BY_ENV = """
    defmodule Shop.MixProject do
      use Mix.Project

      def project do
        [app: :shop, elixirc_paths: elixirc_paths(Mix.env()), deps: [{:local, path: "../local", app: false}]]
      end

      defp elixirc_paths(:test), do: ["lib", "test/support"]
      defp elixirc_paths(_), do: ["lib", "web"]
    end
"""


def test_compile_paths_from_mix_exs_and_what_is_left_out(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "mix.exs": PATHS_BY_ENV,
        "lib/shop.ex": "defmodule Shop do\nend\n",
        "lib/shop/cart.ex": "defmodule Shop.Cart do\nend\n",
        "web/router.ex": "defmodule Shop.Router do\nend\n",
        "test/support/factory.ex": "defmodule Shop.Factory do\nend\n",
        "test/shop_test.exs": "ExUnit.start()\n",
        "scripts/seed.ex": "defmodule Seed do\nend\n",
        "deps/plug/lib/plug.ex": "defmodule Plug do\nend\n",
        "_build/dev/lib/shop/ebin/Elixir.Shop.beam": b"\0",
        "tools/gen/mix.exs": "defmodule Gen.MixProject do\nend\n",
        "tools/gen/lib/gen.ex": "defmodule Gen do\nend\n",
        "lib/.hidden/secret.ex": "defmodule Secret do\nend\n",
    })
    found = discover_mix(tmp_path)
    assert [a.name for a in found.apps] == ["shop"]
    assert found.apps[0].compile_paths == ("lib", "web")
    assert [f.rel for f in found.files] == ["lib/shop.ex", "lib/shop/cart.ex", "web/router.ex"]
    assert {(s.rel, s.reason) for s in found.skipped} == {
        ("test/support", "outside elixirc_paths"),
        ("scripts", "outside elixirc_paths"),
        ("deps", "dependencies (their own projects)"),
    }
    assert found.nested_projects == ("tools/gen",)
    assert not found.umbrella

    graph = ElixirFrontend().build(ElixirFrontend().discover(tmp_path, ()), None)
    assert set(graph.modules) == {"Shop", "Shop.Cart", "Shop.Router"}
    said = {(p.path, p.kind) for p in graph.problems}
    assert {("tools/gen", "nested-project"), ("deps", "skipped"), ("scripts", "skipped")} <= said


def test_default_paths_and_excludes(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "mix.exs": "defmodule M.MixProject do\n  def project, do: [app: :m]\nend\n",
        "lib/m.ex": "defmodule M do\nend\n",
        "lib/m/generated/big.ex": "defmodule M.Big do\nend\n",
    })
    assert [f.rel for f in discover_mix(tmp_path).files] == ["lib/m.ex", "lib/m/generated/big.ex"]
    assert [f.rel for f in discover_mix(tmp_path, ("lib/m/generated",)).files] == ["lib/m.ex"]


def test_umbrella_apps_are_components(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "mix.exs": 'defmodule Umb.MixProject do\n  def project, do: [apps_path: "apps"]\nend\n',
        "apps/core/mix.exs": "defmodule Core.MixProject do\n  def project, do: [app: :umb_core]\nend\n",
        "apps/core/lib/core.ex": "defmodule Umb.Core do\n  def hi, do: :hi\nend\n",
        "apps/web/mix.exs": ('defmodule Web.MixProject do\n  def project, do: [app: :umb_web, '
                             'elixirc_paths: ["lib", "src"]]\nend\n'),
        "apps/web/lib/web.ex": "defmodule Umb.Web do\n  def hi, do: Umb.Core.hi()\nend\n",
        "apps/web/src/extra.ex": "defmodule Umb.Web.Extra do\nend\n",
        "apps/notes/README.md": "not an app\n",
    })
    found = discover_mix(tmp_path)
    assert found.umbrella
    assert [(a.name, a.root, a.compile_paths) for a in found.apps] == [
        ("umb_core", "apps/core", ("apps/core/lib",)),
        ("umb_web", "apps/web", ("apps/web/lib", "apps/web/src")),
    ]
    assert {f.rel: f.app for f in found.files} == {
        "apps/core/lib/core.ex": "umb_core", "apps/web/lib/web.ex": "umb_web", "apps/web/src/extra.ex": "umb_web",
    }
    assert found.nested_projects == ()
    graph = ElixirFrontend().build(ElixirFrontend().discover(tmp_path, ()), None)
    assert graph.top_packages == ("umb_core", "umb_web")
    assert [(s.importer, s.imported) for s in graph.imports] == [("Umb.Web", "Umb.Core")]


def test_claims_and_bad_input(tmp_path: Path) -> None:
    frontend = ElixirFrontend()
    assert not frontend.claims(tmp_path)
    with pytest.raises(InputError, match=r"holds no mix\.exs"):
        frontend.discover(tmp_path, ())
    with pytest.raises(InputError, match="not a folder"):
        frontend.discover(tmp_path / "missing", ())
    write_tree(tmp_path, {"mix.exs": 'defmodule U.MixProject do\n  def project, do: [apps_path: "apps"]\nend\n'})
    assert frontend.claims(tmp_path)
    with pytest.raises(InputError, match="holds no app"):
        frontend.discover(tmp_path, ())


def test_fingerprint_follows_the_files(tmp_path: Path) -> None:
    write_tree(tmp_path, {"mix.exs": PATHS_BY_ENV, "lib/shop.ex": "defmodule Shop do\nend\n"})
    frontend = ElixirFrontend()
    first = frontend.discover(tmp_path, ())
    assert first.language == "elixir" and first.root == tmp_path.resolve()
    assert first.rows == frontend.discover(tmp_path, ()).rows
    path = tmp_path / "lib" / "shop.ex"
    path.write_text("defmodule Shop do\n  def x, do: 1\nend\n")
    os.utime(path, ns=(1, 1))
    assert frontend.discover(tmp_path, ()).rows != first.rows
    write_tree(tmp_path, {"web/router.ex": "defmodule Shop.Router do\nend\n"})
    second = frontend.discover(tmp_path, ())
    assert len(second.rows) == 2 and second.key == first.key
    write_tree(tmp_path, {"tools/x/mix.exs": "defmodule X.MixProject do\nend\n"})
    assert frontend.discover(tmp_path, ()).key != first.key
