defmodule VsmPhoenix.GoldrushTest do
  use VsmPhoenix.VsmCase, async: false

  alias VsmPhoenix.Goldrush.{Engine, Pattern}

  test "patterns match topics" do
    assert Pattern.matches?("s1.*", "s1.done")
    assert Pattern.matches?("*", "anything")
    refute Pattern.matches?("s1.done", "s1.rejected")
    assert Pattern.matches?("s*.done", "s1.done")
  end

  test "emitting runs the matching rules and keeps a history" do
    test_pid = self()
    :ok = Engine.rule("test.*", &send(test_pid, {:fired, &1}))
    assert Engine.emit("test.one") >= 1
    assert_received {:fired, "test.one"}
    assert Enum.any?(Engine.history(), &(&1.topic == "test.one"))
  end
end
