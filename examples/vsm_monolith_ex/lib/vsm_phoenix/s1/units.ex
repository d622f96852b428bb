defmodule VsmPhoenix.S1.Units do
  @moduledoc "The operational units System 1 is made of."
  alias VsmPhoenix.Core.Resource

  defmodule Unit do
    @moduledoc "One operational unit and the resources it holds."
    defstruct [:name, resources: %{}, done: 0]
  end

  def defaults do
    [
      %Unit{name: "unit-a", resources: %{cpu: %Resource{name: :cpu, capacity: 10.0}}},
      %Unit{name: "unit-b", resources: %{cpu: %Resource{name: :cpu, capacity: 4.0}}}
    ]
  end
end

defimpl VsmPhoenix.Core.Describable, for: VsmPhoenix.S1.Units.Unit do
  def describe(unit), do: "#{unit.name}: #{unit.done} done"
end
