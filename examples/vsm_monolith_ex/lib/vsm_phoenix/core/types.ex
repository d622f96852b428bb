defmodule VsmPhoenix.Core.Resource do
  @moduledoc "A quantity of something a unit needs: cpu, memory, attention."
  @enforce_keys [:name, :capacity]
  defstruct [:name, :capacity, used: 0.0]

  @type t :: %__MODULE__{name: atom(), capacity: float(), used: float()}

  def free(%__MODULE__{capacity: capacity, used: used}), do: capacity - used

  def take(%__MODULE__{} = resource, amount) do
    if free(resource) >= amount do
      {:ok, %__MODULE__{resource | used: resource.used + amount}}
    else
      {:error, :exhausted}
    end
  end
end

defprotocol VsmPhoenix.Core.Describable do
  @moduledoc "Anything that can describe itself to an operator in one line."
  def describe(thing)
end
