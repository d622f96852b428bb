"""The Elixir frontend on small Mix projects written here: modules, references, kinds and lines."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import write_tree
from vsmctl.analysis.elixir.frontend import ElixirFrontend
from vsmctl.analysis.model import ModuleGraph

MIX = 'defmodule Demo.MixProject do\n  use Mix.Project\n  def project, do: [app: :demo]\nend\n'


def graph_of(tmp_path: Path, files: dict[str, str | bytes]) -> ModuleGraph:
    write_tree(tmp_path, {"mix.exs": MIX, **files})
    frontend = ElixirFrontend()
    return frontend.build(frontend.discover(tmp_path, ()), None)


def sites(graph: ModuleGraph, importer: str | None = None) -> set[tuple[str, str, int, str]]:
    return {(s.importer, s.imported, s.line, s.kind) for s in graph.imports
            if importer is None or s.importer == importer}


TARGETS = {
    "lib/targets.ex": """
        defmodule App.Util do
          defmacro twice(x), do: quote(do: unquote(x) * 2)
          def plain(x), do: x
          def limits, do: %{}
        end
        defmodule App.Point do
          defstruct [:x, :y]
        end
        defmodule App.Worker do
          def start_link(_), do: :ignore
        end
        defmodule App.Behaviour do
          @callback run() :: :ok
        end
        defmodule App.Tools.Hammer do
          def hit, do: :ok
        end
        defmodule App.Tools.Saw do
          def cut, do: :ok
        end
    """,
}


def test_modules_nested_protocols_and_impls(tmp_path: Path) -> None:
    graph = graph_of(tmp_path, {
        "lib/outer.ex": """
            defmodule App.Outer do
              defmodule Inner do
                def hello, do: :hi
              end

              defmodule Deep.Er do
              end

              def call, do: Inner.hello()

              defimpl App.Shape do
                def area(_), do: 0
              end
            end

            defprotocol App.Shape do
              def area(shape)
            end

            defimpl App.Shape, for: [App.Outer.Inner, Map] do
              def area(_), do: 1
            end
        """,
    })
    assert set(graph.modules) == {
        "App.Outer", "App.Outer.Inner", "App.Outer.Deep.Er", "App.Shape",
        "App.Shape.App.Outer", "App.Shape.App.Outer.Inner", "App.Shape.Map",
    }
    assert graph.modules["App.Outer"].path == "lib/outer.ex"
    # Nested modules are not counted in their parent's size.
    assert graph.modules["App.Outer.Inner"].lines == 3
    assert graph.modules["App.Outer"].lines == 14 - 3 - 2 - 3
    assert graph.modules["App.Outer"].is_package and not graph.modules["App.Shape.Map"].is_package
    assert ("App.Outer", "App.Outer.Inner", 9, "runtime") in sites(graph)
    # An implementation depends on its protocol at compile time and on its target at run time.
    assert ("App.Shape.App.Outer", "App.Shape", 11, "compile") in sites(graph)
    assert ("App.Shape.App.Outer", "App.Outer", 11, "runtime") in sites(graph)
    assert ("App.Shape.App.Outer.Inner", "App.Outer.Inner", 20, "runtime") in sites(graph)
    assert graph.problems == ()
    assert graph.engine == "tree-sitter"
    assert graph.top_packages == ("demo",) and graph.source_roots == ("lib",)
    assert graph.language == "elixir"


def test_alias_in_every_form(tmp_path: Path) -> None:
    graph = graph_of(tmp_path, {**TARGETS, "lib/user.ex": """
        defmodule App.User do
          alias App.Util
          alias App.Point, as: P
          alias App.Tools.{Hammer, Saw}
          alias __MODULE__.Local

          def a, do: Util.plain(1)
          def b, do: %P{x: 1}
          def c, do: {Hammer.hit(), Saw.cut()}
          def d, do: Local.go()

          def e do
            alias App.Worker, as: W
            W.start_link([])
          end

          def f, do: W.start_link([])

          defmodule Local do
            def go, do: :ok
          end
        end
    """})
    found = sites(graph, "App.User")
    assert ("App.User", "App.Util", 7, "runtime") in found
    assert ("App.User", "App.Point", 8, "export") in found
    assert ("App.User", "App.Tools.Hammer", 9, "runtime") in found
    assert ("App.User", "App.Tools.Saw", 9, "runtime") in found
    assert ("App.User", "App.User.Local", 10, "runtime") in found
    assert ("App.User", "App.Worker", 14, "runtime") in found
    # An alias ends with its block: `W` in another function is no App.Worker.
    assert not any(s[1] == "App.Worker" and s[2] == 17 for s in found)
    # alias alone is no dependency (mix xref agrees): no site on the alias lines.
    assert not any(s[2] in (2, 3, 4, 5) for s in found)


def test_compile_export_and_runtime_kinds(tmp_path: Path) -> None:
    graph = graph_of(tmp_path, {**TARGETS, "lib/kinds.ex": """
        defmodule App.Kinds do
          use App.Worker
          require App.Util
          import App.Tools.Hammer
          @behaviour App.Behaviour
          @limits App.Util.limits()
          @spec run(App.Point.t()) :: :ok

          def run(point) do
            %App.Point{} = point
            App.Util.twice(2)
            App.Util.plain(2)
            f = &App.Tools.Saw.cut/0
            apply(App.Tools.Saw, :cut, [])
            GenServer.call(App.Worker, :ping)
            children = [{App.Worker, name: App.Worker}]
            {f, children}
          end
        end
    """})
    found = sites(graph, "App.Kinds")
    assert found == {
        ("App.Kinds", "App.Worker", 2, "compile"),  # use
        ("App.Kinds", "App.Util", 3, "compile"),  # require
        ("App.Kinds", "App.Tools.Hammer", 4, "compile"),  # import
        ("App.Kinds", "App.Behaviour", 5, "compile"),  # @behaviour
        ("App.Kinds", "App.Util", 6, "compile"),  # called while compiling (a module attribute)
        ("App.Kinds", "App.Point", 7, "runtime"),  # a typespec
        ("App.Kinds", "App.Point", 10, "export"),  # a struct
        ("App.Kinds", "App.Util", 11, "compile"),  # a macro of the target: expanded here
        ("App.Kinds", "App.Util", 12, "runtime"),  # a plain remote call
        ("App.Kinds", "App.Tools.Saw", 13, "runtime"),  # a capture
        ("App.Kinds", "App.Tools.Saw", 14, "runtime"),  # apply
        ("App.Kinds", "App.Worker", 15, "runtime"),  # a process addressed by module name
        ("App.Kinds", "App.Worker", 16, "runtime"),  # a child spec and name: Mod
    }
    texts = {s.line: s.text for s in graph.imports if s.importer == "App.Kinds"}
    assert texts[11] == "App.Util.twice(2)"


def test_module_references_through_module_macro(tmp_path: Path) -> None:
    graph = graph_of(tmp_path, {"lib/server.ex": """
        defmodule App.Server do
          use GenServer
          alias __MODULE__.State

          def start_link(opts), do: GenServer.start_link(__MODULE__, opts, name: __MODULE__)
          def init(_), do: {:ok, %State{}}
          def peek, do: __MODULE__.State.new()

          defmodule State do
            defstruct [:n]
            def new, do: %__MODULE__{n: 0}
          end
        end
    """})
    assert sites(graph) == {
        ("App.Server", "App.Server.State", 6, "export"),
        ("App.Server", "App.Server.State", 7, "runtime"),
    }


def test_syntax_errors_are_reported_and_the_rest_analyzed(tmp_path: Path) -> None:
    graph = graph_of(tmp_path, {**TARGETS, "lib/broken.ex": """
        defmodule App.Good do
          def ok, do: App.Util.plain(1)
        end

        defmodule App.Bad do
          def broken(x do
            App.Worker.start_link(x)
        end
    """})
    assert {"App.Good", "App.Bad"} <= set(graph.modules)
    assert ("App.Good", "App.Util", 2, "runtime") in sites(graph)
    errors = [p for p in graph.problems if p.kind == "syntax-error"]
    assert len(errors) == 1
    assert errors[0].path == "lib/broken.ex"
    assert errors[0].location().startswith("lib/broken.ex:") and 5 <= (errors[0].line or 0) <= 8


def test_one_report_per_broken_line(tmp_path: Path) -> None:
    # A single backslash where a default argument wants two: two ERROR nodes on one line.
    graph = graph_of(tmp_path, {"lib/sort.ex": b"defmodule App.Sort do\n"
                                               b"  def sort(rs, f \\ :name, o \\ :asc) when f in [:name], do: rs\n"
                                               b"end\n"})
    assert [(p.line, p.kind) for p in graph.problems] == [(2, "syntax-error")]


def test_a_missing_token_is_reported_too(tmp_path: Path) -> None:
    # tree-sitter repairs an unclosed list with a MISSING node, not an ERROR one.
    graph = graph_of(tmp_path, {**TARGETS, "lib/open.ex": """
        defmodule App.Open do
          def f(x), do: [App.Util.plain(x), 2
        end
    """})
    assert "App.Open" in graph.modules
    [problem] = [p for p in graph.problems if p.kind == "syntax-error"]
    assert problem.path == "lib/open.ex" and problem.line in (2, 3)
    assert "missing" in problem.message
    assert ("App.Open", "App.Util", 2, "runtime") in sites(graph)


def test_macro_made_modules_are_reported_not_guessed(tmp_path: Path) -> None:
    graph = graph_of(tmp_path, {**TARGETS, "lib/dynamic.ex": """
        defmodule App.Factory do
          defmacro make(name) do
            quote do
              defmodule unquote(name) do
              end
            end
          end

          def runtime do
            Module.create(App.Made, quote(do: def(x, do: 1)), Macro.Env.location(__ENV__))
            App.Made.x()
          end

          def named, do: Supervisor.start_link([], strategy: :one_for_one, name: App.Supervisor)
        end
    """})
    assert set(graph.modules) == {*_target_modules(), "App.Factory"}
    unresolved = {(p.line, p.message.split(" ")[0]) for p in graph.problems if p.kind == "unresolved-module"}
    assert (4, "`unquote(name)`:") in unresolved
    assert (10, "Module.create:") in unresolved
    assert (11, "App.Made") in unresolved
    # A process name is no module: not reported, no edge.
    assert not any("App.Supervisor" in p.message for p in graph.problems)
    assert not any(s.imported in ("App.Made", "App.Supervisor") for s in graph.imports)


def test_duplicates_and_undecodable_files(tmp_path: Path) -> None:
    graph = graph_of(tmp_path, {
        "lib/a.ex": "defmodule App.Twice do\nend\n",
        "lib/b.ex": b"\n\ndefmodule App.Twice do\nend\n",
        "lib/c.ex": b"defmodule App.Latin do\n  # caf\xe9\nend\n",
    })
    assert graph.modules["App.Twice"].path == "lib/a.ex"
    found = {(p.location(), p.kind) for p in graph.problems}
    assert ("lib/b.ex:3", "duplicate-module") in found
    assert ("lib/c.ex:2", "not-utf8") in found
    assert "App.Latin" not in graph.modules


def _target_modules() -> set[str]:
    return {"App.Util", "App.Point", "App.Worker", "App.Behaviour", "App.Tools.Hammer", "App.Tools.Saw"}
