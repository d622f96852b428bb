defmodule VsmPhoenix.SubsystemsTest do
  use VsmPhoenix.VsmCase, async: false

  alias VsmPhoenix.{S1, S2, S3, S4, S5, Telemetry}

  test "System 1 performs work within its limits and counts it" do
    assert S1.Operations.perform("unit-b", 1.0) == :ok
    assert S1.Operations.perform("unit-b", 50.0) == :rejected
    assert S1.Operations.perform("nobody", 1.0) == :rejected
    assert Telemetry.Metrics.get("s1.done") == 1
    assert Telemetry.Metrics.get("s1.rejected") == 2
  end

  test "every subsystem reports its level" do
    for {module, level} <- [
          {S1.Operations, 1},
          {S2.Coordination, 2},
          {S3.Control, 3},
          {S4.Intelligence, 4},
          {S5.Policy, 5}
        ] do
      assert module.level() == level
      assert module.status().level == level
    end
  end

  test "System 2 points at the unit that is furthest behind" do
    S1.Operations.perform("unit-a", 1.0)
    assert S2.Coordination.spread() >= 0
    assert S2.Coordination.next_unit() in ["unit-a", "unit-b"]
  end

  test "System 3 allocates everything it is given, and times it" do
    shares = S3.Control.allocate(100.0)
    assert_in_delta Enum.sum(Map.values(shares)), 100.0, 1.0e-9
    assert Telemetry.Metrics.get("s3.allocate") >= 0
  end

  test "System 3* audits against System 4's forecast" do
    S4.Intelligence.scan(:market)
    assert is_list(S3.Control.audit())
    assert is_number(S4.Forecast.trend())
    assert Telemetry.Reporter.summary().findings >= 0
  end

  test "System 5 escalates strong algedonic signals" do
    assert VsmPhoenix.alert("unit-a", 0.9) == :escalate
    assert VsmPhoenix.alert("unit-a", 0.1) == :absorb
    assert S5.Policy.identity().name == "vsm-phoenix"
  end
end
