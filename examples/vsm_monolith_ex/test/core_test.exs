defmodule VsmPhoenix.CoreTest do
  use VsmPhoenix.VsmCase, async: false

  alias VsmPhoenix.Core.{Describable, Registry, Resource}

  test "a resource gives what it has and no more" do
    resource = %Resource{name: :cpu, capacity: 2.0}
    assert {:ok, taken} = Resource.take(resource, 1.5)
    assert Resource.free(taken) == 0.5
    assert {:error, :exhausted} = Resource.take(taken, 1.0)
  end

  test "the registry knows the default units once the system runs" do
    assert Registry.names() == ["unit-a", "unit-b"]
  end

  test "units describe themselves through the protocol" do
    [unit | _] = VsmPhoenix.S1.Units.defaults()
    assert Describable.describe(unit) == "unit-a: 0 done"
  end

  test "the supervision tree runs every subsystem" do
    for level <- 1..5 do
      module = Module.concat([VsmPhoenix, "S#{level}"])
      assert is_atom(module)
    end

    children = Supervisor.which_children(VsmPhoenix.Supervisor)
    assert length(children) == 10
    assert Enum.all?(children, fn {_, pid, _, _} -> is_pid(pid) end)
  end
end
