defmodule VsmPhoenix.S1.Operations do
  @moduledoc "System 1: does the work, unit by unit, within the limits it was given."
  use VsmPhoenix.Core.Subsystem, level: 1

  alias VsmPhoenix.Core.{Registry, Resource}
  alias VsmPhoenix.Goldrush.Engine
  alias VsmPhoenix.S1.Units

  # Tangle: read while compiling, so every change of the settings module recompiles S1 and
  # a limit changed in the running system is never seen. It should be read at run time.
  @limits VsmPhoenix.Config.Settings.limits()

  def unit_names, do: GenServer.call(__MODULE__, :unit_names)

  def perform(unit_name, cpu), do: GenServer.call(__MODULE__, {:perform, unit_name, cpu})

  def units, do: GenServer.call(__MODULE__, :units)

  def limits, do: @limits

  @impl VsmPhoenix.Core.Subsystem
  def status, do: %{level: level(), units: unit_names()}

  @impl GenServer
  def init(_opts) do
    Registry.register_defaults()
    {:ok, Map.new(Units.defaults(), &{&1.name, &1})}
  end

  @impl GenServer
  def handle_call(:unit_names, _from, units),
    do: {:reply, units |> Map.keys() |> Enum.sort(), units}

  def handle_call(:units, _from, units), do: {:reply, Map.values(units), units}

  def handle_call({:perform, name, cpu}, _from, units) do
    with {:ok, unit} <- Map.fetch(units, name),
         true <- cpu <= Map.get(@limits, :cpu, 0) || {:error, :over_limit},
         {:ok, resource} <- Resource.take(unit.resources.cpu, cpu) do
      unit = %{unit | resources: %{unit.resources | cpu: resource}, done: unit.done + 1}
      Engine.emit("s1.done", %{unit: name})
      {:reply, :ok, Map.put(units, name, unit)}
    else
      _ ->
        Engine.emit("s1.rejected", %{unit: name})
        {:reply, :rejected, units}
    end
  end
end
