defmodule VsmPhoenix.S3.Control do
  @moduledoc "System 3: the here and now; allocates resources and asks for audits (3*)."
  use VsmPhoenix.Core.Subsystem, level: 3

  require VsmPhoenix.Telemetry.Instrument
  alias VsmPhoenix.Telemetry.Instrument
  alias VsmPhoenix.S3.Audit

  @impl VsmPhoenix.Core.Subsystem
  def status, do: %{level: level(), allocations: allocations()}

  @doc "Shares `total` among the units in proportion to the work each has done (at least 1 each)."
  def allocate(total) do
    Instrument.measure "s3.allocate" do
      GenServer.call(__MODULE__, {:allocate, total})
    end
  end

  def allocations, do: GenServer.call(__MODULE__, :allocations)

  def audit, do: Audit.run()

  @impl GenServer
  def init(_opts), do: {:ok, %{}}

  @impl GenServer
  def handle_call({:allocate, total}, _from, _state) do
    units = VsmPhoenix.S1.Operations.units()
    weights = Map.new(units, &{&1.name, &1.done + 1})
    sum = weights |> Map.values() |> Enum.sum()
    shares = Map.new(weights, fn {name, w} -> {name, total * w / sum} end)
    {:reply, shares, shares}
  end

  def handle_call(:allocations, _from, state), do: {:reply, state, state}
end
