"""A synthetic Phoenix-style Mix project for the Elixir benchmarks, made the same way every time.

`lib/shop/` holds contexts (a context module, Ecto-like schema structs, a GenServer worker per
context), `lib/shop_web/` controllers, views, live views, components, a router and an
endpoint; files reference each other the way a Phoenix app does (alias in all its forms, use,
import, require, structs, remote calls, captures, child specs), about 100 lines each.
"""

from __future__ import annotations

import random
from pathlib import Path

MIX = """defmodule Shop.MixProject do
  use Mix.Project

  def project do
    [app: :shop, version: "0.1.0", elixirc_paths: elixirc_paths(Mix.env()), deps: []]
  end

  def application, do: [mod: {Shop.Application, []}, extra_applications: [:logger]]

  defp elixirc_paths(:test), do: ["lib", "test/support"]
  defp elixirc_paths(_), do: ["lib"]
end
"""

CONTEXT = '''defmodule Shop.{ctx} do
  @moduledoc """
  The {ctx} context: the public API of everything about {lower}.
  """
  import Shop.Helpers, only: [ok: 1, error: 1]
  require Logger
  alias Shop.Repo
  alias Shop.{ctx}.{{{schemas}}}
  alias Shop.{other}, as: Neighbour

{functions}
end
'''

CONTEXT_FN = '''  @doc "Lists the {lower} {schema} records matching `filters`."
  @spec list_{name}(keyword()) :: [{schema}.t()]
  def list_{name}(filters \\\\ []) do
    Logger.debug("listing {name}")
    filters
    |> Keyword.put_new(:limit, 50)
    |> then(&Repo.all({schema}, &1))
    |> Enum.map(&{schema}.normalize/1)
  end

  def get_{name}!(id) do
    case Repo.get({schema}, id) do
      nil -> raise ArgumentError, "no {name} " <> to_string(id)
      %{schema}{{}} = found -> found
    end
  end

  def create_{name}(attrs) do
    with {{:ok, changes}} <- {schema}.validate(attrs),
         :ok <- Neighbour.check(changes) do
      ok(Repo.insert(struct({schema}, changes)))
    else
      {{:error, reason}} -> error(reason)
    end
  end
'''

SCHEMA = '''defmodule Shop.{ctx}.{schema} do
  @moduledoc "A {schema} of the {ctx} context."
  use Shop.Schema
  alias Shop.{ctx}.{sibling}

  @fields [:id, :name, :inserted_at, :{field}]
  @enforce_keys [:id]
  defstruct @fields

  @type t :: %__MODULE__{{id: integer(), name: String.t()}}

  def fields, do: @fields

  def normalize(%__MODULE__{{name: name}} = record) when is_binary(name) do
    %__MODULE__{{record | name: String.trim(name)}}
  end

  def normalize(record), do: record

  def validate(attrs) when is_map(attrs) do
    cond do
      not Map.has_key?(attrs, :id) -> {{:error, :missing_id}}
      Map.get(attrs, :name) == "" -> {{:error, :blank_name}}
      true -> {{:ok, Map.take(attrs, @fields)}}
    end
  end

  def related(%__MODULE__{{id: id}}), do: %{sibling}{{id: id}}

  @doc "Changes to apply to `record`, checked field by field."
  def changeset(%__MODULE__{{}} = record, attrs) do
    attrs
    |> Map.take(@fields)
    |> Enum.reduce({{record, []}}, fn
      {{:name, value}}, {{acc, errors}} when is_binary(value) and value != "" ->
        {{%__MODULE__{{acc | name: value}}, errors}}

      {{:name, _}}, {{acc, errors}} ->
        {{acc, [name: "is invalid"] ++ errors}}

      {{:id, _}}, {{acc, errors}} ->
        {{acc, [id: "cannot change"] ++ errors}}

      {{key, value}}, {{acc, errors}} ->
        {{Map.put(acc, key, value), errors}}
    end)
    |> case do
      {{changed, []}} -> {{:ok, changed}}
      {{_, errors}} -> {{:error, Enum.reverse(errors)}}
    end
  end

  def sort(records, field \\\\ :name, order \\\\ :asc) when field in @fields do
    Enum.sort_by(records, &Map.get(&1, field), order)
  end

  def group(records, field) when field in @fields do
    records
    |> Enum.group_by(&Map.get(&1, field))
    |> Map.new(fn {{key, group}} -> {{key, length(group)}} end)
  end

  defimpl String.Chars do
    def to_string(record), do: "{schema}#" <> Integer.to_string(record.id)
  end
end
'''

WORKER = '''defmodule Shop.{ctx}.Worker do
  @moduledoc "Background work for {ctx}: a GenServer under the application's supervisor."
  use GenServer
  alias Shop.{ctx}
  alias Shop.Telemetry.Metrics

  def start_link(opts), do: GenServer.start_link(__MODULE__, opts, name: __MODULE__)

  def enqueue(job), do: GenServer.cast(__MODULE__, {{:job, job}})

  def stats, do: GenServer.call(__MODULE__, :stats)

  @impl true
  def init(opts), do: {{:ok, %{{opts: opts, done: 0, failed: 0}}}}

  @impl true
  def handle_cast({{:job, job}}, state) do
    case apply({ctx}, :create_{name}, [job]) do
      {{:ok, _}} ->
        Metrics.incr("{lower}.done")
        {{:noreply, %{{state | done: state.done + 1}}}}

      {{:error, _}} ->
        Metrics.incr("{lower}.failed")
        {{:noreply, %{{state | failed: state.failed + 1}}}}
    end
  end

  @impl true
  def handle_call(:stats, _from, state), do: {{:reply, Map.take(state, [:done, :failed]), state}}
end
'''

CONTROLLER = '''defmodule ShopWeb.{ctx}{schema}Controller do
  use ShopWeb, :controller

  alias Shop.{ctx}
  alias Shop.{ctx}.{schema}
  alias ShopWeb.{{{ctx}{schema}View, ErrorView}}

  plug :authorize when action in [:create, :update]

  def index(conn, params) do
    records = {ctx}.list_{name}(Map.to_list(params))
    render(conn, {ctx}{schema}View, "index.html", records: records)
  end

  def show(conn, %{{"id" => id}}) do
    record = {ctx}.get_{name}!(String.to_integer(id))
    render(conn, {ctx}{schema}View, "show.html", record: record)
  end

  def create(conn, %{{"{name}" => attrs}}) do
    case {ctx}.create_{name}(attrs) do
      {{:ok, %{schema}{{}} = record}} ->
        conn |> put_flash(:info, "created") |> redirect(to: "/{name}/" <> to_string(record.id))

      {{:error, reason}} ->
        conn |> put_status(422) |> render(ErrorView, "422.html", reason: reason)
    end
  end

  def update(conn, %{{"id" => id, "{name}" => attrs}}) do
    record = {ctx}.get_{name}!(String.to_integer(id))

    case {schema}.changeset(record, attrs) do
      {{:ok, changed}} ->
        conn
        |> put_flash(:info, "updated")
        |> render({ctx}{schema}View, "show.html", record: changed)

      {{:error, errors}} ->
        conn
        |> put_status(422)
        |> render(ErrorView, "422.html", reason: errors)
    end
  end

  def delete(conn, %{{"id" => id}}) do
    _record = {ctx}.get_{name}!(String.to_integer(id))
    conn |> put_flash(:info, "deleted") |> redirect(to: "/{name}")
  end

  defp authorize(conn, _opts) do
    if ShopWeb.Auth.allowed?(conn, :{name}), do: conn, else: halt(conn)
  end
end
'''

VIEW = '''defmodule ShopWeb.{ctx}{schema}View do
  use ShopWeb, :view
  import ShopWeb.Components.{component}

  alias Shop.{ctx}.{schema}

  def title(%{schema}{{name: name}}), do: "{schema}: " <> name
  def title(_), do: "{schema}"

  def rows(records) do
    for %{schema}{{}} = record <- records do
      [record.id, title(record), ShopWeb.Formatters.date(record.inserted_at)]
    end
  end

  def render("index.html", assigns), do: table(rows(assigns.records))
  def render("show.html", assigns), do: card(title(assigns.record))
end
'''

LIVE = '''defmodule ShopWeb.{ctx}Live do
  use ShopWeb, :live_view

  alias Shop.{ctx}
  alias Shop.{ctx}.Worker

  @refresh_ms 5_000

  def mount(_params, _session, socket) do
    if connected?(socket), do: :timer.send_interval(@refresh_ms, :refresh)
    {{:ok, assign(socket, items: {ctx}.list_{name}(), stats: Worker.stats())}}
  end

  def handle_info(:refresh, socket) do
    {{:noreply, assign(socket, items: {ctx}.list_{name}(), stats: Worker.stats())}}
  end

  def handle_event("enqueue", %{{"job" => job}}, socket) do
    Worker.enqueue(job)
    {{:noreply, put_flash(socket, :info, "queued")}}
  end
end
'''

COMPONENT = '''defmodule ShopWeb.Components.{component} do
  @moduledoc "Function components: {component}."

  defmacro __using__(_opts) do
    quote do
      import ShopWeb.Components.{component}
    end
  end

  def table(rows), do: Enum.map_join(rows, "\\n", &Enum.join(&1, " | "))
  def card(title), do: "[" <> title <> "]"
  def badge(text, kind \\\\ :info), do: "<" <> Atom.to_string(kind) <> ">" <> text
end
'''

FIXED = {
    "lib/shop/application.ex": None,  # built from the contexts below
    "lib/shop/repo.ex": """defmodule Shop.Repo do
  @moduledoc "An in-memory stand-in for a database repository."
  def all(schema, opts), do: Enum.take(:persistent_term.get({__MODULE__, schema}, []), opts[:limit] || 50)
  def get(schema, id), do: Enum.find(all(schema, []), &(&1.id == id))
  def insert(record), do: {:ok, record}
end
""",
    "lib/shop/helpers.ex": """defmodule Shop.Helpers do
  def ok(value), do: {:ok, value}
  def error(reason), do: {:error, reason}
end
""",
    "lib/shop/schema.ex": """defmodule Shop.Schema do
  defmacro __using__(_opts) do
    quote do
      import Shop.Helpers
    end
  end
end
""",
    "lib/shop/telemetry/metrics.ex": """defmodule Shop.Telemetry.Metrics do
  use Agent
  def start_link(_), do: Agent.start_link(fn -> %{} end, name: __MODULE__)
  def incr(name), do: Agent.update(__MODULE__, &Map.update(&1, name, 1, fn n -> n + 1 end))
end
""",
    "lib/shop_web.ex": """defmodule ShopWeb do
  def controller, do: quote(do: import(ShopWeb.Conn))
  def view, do: quote(do: import(ShopWeb.Conn))
  def live_view, do: quote(do: import(ShopWeb.Conn))

  defmacro __using__(which) when is_atom(which), do: apply(__MODULE__, which, [])
end
""",
    "lib/shop_web/conn.ex": """defmodule ShopWeb.Conn do
  def render(conn, _view, _template, _assigns), do: conn
  def put_flash(conn, _kind, _msg), do: conn
  def put_status(conn, _status), do: conn
  def redirect(conn, _opts), do: conn
  def halt(conn), do: conn
  def assign(socket, _kw), do: socket
  def connected?(_socket), do: false
end
""",
    "lib/shop_web/auth.ex": """defmodule ShopWeb.Auth do
  def allowed?(_conn, _what), do: true
end
""",
    "lib/shop_web/formatters.ex": """defmodule ShopWeb.Formatters do
  def date(nil), do: ""
  def date(value), do: to_string(value)
end
""",
    "lib/shop_web/error_view.ex": """defmodule ShopWeb.ErrorView do
  def render(template, _assigns), do: template
end
""",
}

CONTEXT_NAMES = ["Accounts", "Catalog", "Orders", "Billing", "Shipping", "Inventory", "Reviews", "Search",
                 "Support", "Marketing", "Analytics", "Payments", "Returns", "Loyalty", "Pricing", "Vendors"]
SCHEMA_NAMES = ["Record", "Entry", "Item", "Event", "Note", "Rule", "Batch", "Slot", "Tag", "Quote", "Line",
                "Plan", "Claim", "Offer", "Visit", "Score"]
COMPONENTS = ["Tables", "Cards", "Badges", "Forms", "Modals"]


def generate(root: Path, files: int = 250, seed: int = 11) -> int:
    """Write a project of about `files` .ex files under root; returns the exact number written."""
    rng = random.Random(seed)
    # Per context: 1 context + k schemas + 1 worker + k controllers + k views + 1 live view.
    per_schema, fixed = 3, len(FIXED) + len(COMPONENTS) + 3
    schemas_per_context = 4
    per_context = 3 + per_schema * schemas_per_context
    contexts = max(1, round((files - fixed) / per_context))
    names = [CONTEXT_NAMES[i % len(CONTEXT_NAMES)] + (str(i // len(CONTEXT_NAMES)) if i >= len(CONTEXT_NAMES) else "")
             for i in range(contexts)]
    written: dict[str, str] = {"mix.exs": MIX}
    for i, ctx in enumerate(names):
        other = names[(i + 1) % len(names)]
        schemas = rng.sample(SCHEMA_NAMES, schemas_per_context)
        _context_files(written, rng, ctx, other, schemas)
    for component in COMPONENTS:
        written[f"lib/shop_web/components/{component.lower()}.ex"] = COMPONENT.format(component=component)
    for rel, text in FIXED.items():
        written[rel] = text if text is not None else _application(names)
    written["lib/shop_web/router.ex"] = _router(names)
    written["lib/shop_web/endpoint.ex"] = "defmodule ShopWeb.Endpoint do\n  def init(opts), do: opts\nend\n"
    written["test/test_helper.exs"] = "ExUnit.start()\n"
    for ctx in names[:-1]:  # every context but the last checks what its neighbour allows
        written[f"lib/shop/{ctx.lower()}/check.ex"] = (
            f"defmodule Shop.{ctx}.Check do\n  def check(_changes), do: :ok\nend\n")
    for rel, text in written.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return sum(1 for rel in written if rel.endswith(".ex"))


def _context_files(out: dict[str, str], rng: random.Random, ctx: str, other: str, schemas: list[str]) -> None:
    lower = ctx.lower()
    fns = "\n".join(CONTEXT_FN.format(lower=lower, schema=s, name=s.lower()) for s in schemas)
    out[f"lib/shop/{lower}.ex"] = CONTEXT.format(ctx=ctx, lower=lower, schemas=", ".join(schemas),
                                                 other=other, functions=fns)
    for j, schema in enumerate(schemas):
        sibling = schemas[(j + 1) % len(schemas)]
        out[f"lib/shop/{lower}/{schema.lower()}.ex"] = SCHEMA.format(
            ctx=ctx, schema=schema, sibling=sibling, field=rng.choice(["price", "state", "kind", "owner"]))
        out[f"lib/shop_web/controllers/{lower}_{schema.lower()}_controller.ex"] = CONTROLLER.format(
            ctx=ctx, schema=schema, name=schema.lower())
        out[f"lib/shop_web/views/{lower}_{schema.lower()}_view.ex"] = VIEW.format(
            ctx=ctx, schema=schema, component=rng.choice(COMPONENTS))
    out[f"lib/shop/{lower}/worker.ex"] = WORKER.format(ctx=ctx, lower=lower, name=schemas[0].lower())
    out[f"lib/shop_web/live/{lower}_live.ex"] = LIVE.format(ctx=ctx, name=schemas[0].lower())


def _application(names: list[str]) -> str:
    workers = "\n".join(f"      Shop.{ctx}.Worker," for ctx in names)
    return (f"defmodule Shop.Application do\n  use Application\n\n  def start(_type, _args) do\n"
            f"    children = [\n      Shop.Telemetry.Metrics,\n{workers}\n      ShopWeb.Endpoint\n    ]\n\n"
            f"    Supervisor.start_link(children, strategy: :one_for_one, name: Shop.Supervisor)\n  end\nend\n")


def _router(names: list[str]) -> str:
    routes = "\n".join(f'  def route("{ctx.lower()}"), do: ShopWeb.{ctx}Live' for ctx in names)
    return f"defmodule ShopWeb.Router do\n{routes}\n  def route(_), do: ShopWeb.ErrorView\nend\n"
