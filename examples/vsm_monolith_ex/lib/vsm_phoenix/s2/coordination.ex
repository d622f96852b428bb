defmodule VsmPhoenix.S2.Coordination do
  @moduledoc "System 2: damps oscillation between the units (no unit far ahead of the others)."
  use VsmPhoenix.Core.Subsystem, level: 2

  @impl VsmPhoenix.Core.Subsystem
  def status, do: %{level: level(), spread: spread()}

  @doc "How far the busiest unit is ahead of the idlest."
  def spread, do: GenServer.call(__MODULE__, :spread)

  def next_unit, do: GenServer.call(__MODULE__, :next_unit)

  @impl GenServer
  def init(_opts), do: {:ok, nil}

  @impl GenServer
  def handle_call(:spread, _from, state) do
    done = Enum.map(units(), & &1.done)
    {:reply, Enum.max(done, fn -> 0 end) - Enum.min(done, fn -> 0 end), state}
  end

  def handle_call(:next_unit, _from, state) do
    {:reply, units() |> Enum.min_by(& &1.done) |> Map.fetch!(:name), state}
  end

  defp units, do: GenServer.call(VsmPhoenix.S1.Operations, :units)
end
