defmodule VsmPhoenix.Telemetry.Metrics do
  @moduledoc "Counters and gauges in a GenServer-owned ETS table."
  use GenServer

  @table :vsm_metrics

  def start_link(_opts), do: GenServer.start_link(__MODULE__, nil, name: __MODULE__)

  def incr(name, by \\ 1), do: GenServer.call(__MODULE__, {:incr, to_string(name), by})

  def gauge(name, value), do: GenServer.call(__MODULE__, {:gauge, to_string(name), value})

  def get(name) do
    case :ets.lookup(@table, to_string(name)) do
      [{_, value}] -> value
      [] -> 0
    end
  end

  def snapshot, do: @table |> :ets.tab2list() |> Map.new()

  def reset, do: GenServer.call(__MODULE__, :reset)

  @impl true
  def init(nil) do
    :ets.new(@table, [:named_table, :protected, :set])
    {:ok, nil}
  end

  @impl true
  def handle_call({:incr, name, by}, _from, state) do
    {:reply, :ets.update_counter(@table, name, by, {name, 0}), state}
  end

  def handle_call({:gauge, name, value}, _from, state) do
    :ets.insert(@table, {name, value})
    {:reply, value, state}
  end

  def handle_call(:reset, _from, state) do
    :ets.delete_all_objects(@table)
    {:reply, :ok, state}
  end
end
