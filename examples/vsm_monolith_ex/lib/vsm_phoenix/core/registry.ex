defmodule VsmPhoenix.Core.Registry do
  @moduledoc "Names of the running units, on Elixir's Registry."

  # Tangle: a core module that knows a subsystem's concrete units.
  alias VsmPhoenix.S1.Units

  def register_defaults do
    for unit <- Units.defaults(), do: register(unit.name, unit)
    names()
  end

  def register(name, value) do
    case Registry.register(__MODULE__, name, value) do
      {:ok, _} -> :ok
      {:error, {:already_registered, _}} -> :ok
    end
  end

  def names do
    __MODULE__ |> Registry.select([{{:"$1", :_, :_}, [], [:"$1"]}]) |> Enum.sort()
  end
end
