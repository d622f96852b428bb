"""Renaming Elixir modules by byte ranges (no toolchain needed): every form of reference, and
nothing else on the line."""

from vsmctl.strangler.elixir.mixfile import add_path_dependency, path_dependencies
from vsmctl.strangler.elixir.plan import camel, underscore
from vsmctl.strangler.elixir.rename import rename_source
from vsmctl.strangler.moves import Moves

MOVES = Moves({"App.Config": "AppConfig"})


def renamed(source: str, moves: Moves = MOVES) -> str:
    return rename_source(source.encode(), moves).decode()


def test_every_reference_form_follows_the_rename():
    source = """defmodule App.Web do
  use App.Config.Using, opt: 1
  require App.Config.Macros
  import App.Config.Helpers, only: [h: 1]
  alias App.Config.Store, as: Settings
  @behaviour App.Config.Behaviour

  def go(%App.Config.Item{} = item) do
    App.Config.Store.get(:a)   # a comment stays
    Settings.put(:b, 1)
    Enum.map([1], &App.Config.Store.get/1)
    GenServer.call(App.Config.Server, :ping)
    children = [App.Config.Server, {App.Config.Worker, name: App.Config.Worker}]
    apply(App.Config.Store, :get, [item])
  end
end
"""
    out = renamed(source)
    assert out == source.replace("App.Config.", "AppConfig.")


def test_aliases_keep_their_short_names():
    source = """defmodule App.Web do
  alias App.Config
  alias App.{Config, Other}
  alias App.{Other, Config.Store}
  alias App.Config.{Store, Item}
  alias App, as: A

  def go, do: {Config.Store.get(1), Store.get(2), A.Config.Store.get(3), A.Other.x()}
end
"""
    out = renamed(source)
    assert "  alias AppConfig, as: Config\n" in out
    assert "  alias App.Other\n  alias AppConfig, as: Config\n" in out  # out of the braces, short name kept
    assert "  alias App.Other\n  alias AppConfig.Store\n" in out
    assert "  alias AppConfig.{Store, Item}\n" in out
    assert "Config.Store.get(1), Store.get(2), AppConfig.Store.get(3), A.Other.x()" in out


def test_nested_modules_and_module_attributes_stay_relative():
    source = """defmodule App.Config.Store do
  defmodule Inner do
    def x, do: __MODULE__
  end

  def y, do: {Inner.x(), __MODULE__.Inner.x(), "App.Config.Store in a string"}
end
"""
    out = renamed(source)
    assert out.startswith("defmodule AppConfig.Store do\n  defmodule Inner do\n")
    assert 'Inner.x(), __MODULE__.Inner.x(), "App.Config.Store in a string"' in out


def test_unrelated_files_are_untouched_byte_for_byte():
    source = "defmodule Other do\n  def f, do: App.Configuration.get()\nend\n"
    assert renamed(source) == source


def test_names_for_packages_and_paths():
    assert camel("vsm-rate-limiter") == "VsmRateLimiter"
    assert underscore("VsmConfig.RateLimiter.HTTPClient") == "vsm_config/rate_limiter/http_client"


def test_path_dependencies_are_added_as_text(tmp_path):
    mix = tmp_path / "mix.exs"
    mix.write_text("""defmodule A.MixProject do
  use Mix.Project

  def project do
    [app: :a, deps: deps()]
  end

  # keep me
  defp deps do
    [
      {:jason, "~> 1.4"},
      {:b, path: "../b"}
    ]
  end
end
""")
    assert add_path_dependency(mix, "vsm_core", "packages/vsm-core")
    assert not add_path_dependency(mix, "vsm_core", "packages/vsm-core")
    text = mix.read_text()
    assert '      {:b, path: "../b"},\n      {:vsm_core, path: "packages/vsm-core"}\n    ]' in text
    assert "  # keep me\n" in text
    assert path_dependencies(mix) == [("b", "../b"), ("vsm_core", "packages/vsm-core")]
