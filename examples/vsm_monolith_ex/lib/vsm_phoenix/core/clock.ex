defmodule VsmPhoenix.Core.Clock do
  @moduledoc "Monotonic time in milliseconds; one place to fake it in tests."
  def now_ms, do: System.monotonic_time(:millisecond)
end
