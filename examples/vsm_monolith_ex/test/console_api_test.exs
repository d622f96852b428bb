defmodule VsmPhoenix.ConsoleApiTest do
  use VsmPhoenix.VsmCase, async: false

  alias VsmPhoenix.Api.Router
  alias VsmPhoenix.Console

  test "the console prints status, units, audit and metrics" do
    assert ["vsm-phoenix: keep the organisation viable", "units: unit-a, unit-b"] =
             Console.run(["status"])

    assert Enum.any?(Console.run(["units"]), &String.starts_with?(&1, "unit-a"))
    assert [_ | _] = Console.run(["audit"])
    assert is_list(Console.run(["metrics"]))
    assert ["usage: " <> _] = Console.run(["nope"])
  end

  test "the API routes requests and limits each client" do
    assert {200, %{identity: "vsm-phoenix"}} = Router.handle("GET", "/status", "c1")
    assert {202, %{unit: "unit-a"}} = Router.handle("POST", "/units/unit-a/work", "c1")
    assert {404, _} = Router.handle("GET", "/nowhere", "c1")
    # the test configuration allows 3 requests a second per client
    assert {429, _} = Router.handle("GET", "/status", "c1")
    assert {200, _} = Router.handle("GET", "/status", "c2")
  end
end
