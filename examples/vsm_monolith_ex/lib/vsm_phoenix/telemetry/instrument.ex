defmodule VsmPhoenix.Telemetry.Instrument do
  @moduledoc "Times a block of code into a gauge (a macro: callers depend on it at compile time)."

  defmacro measure(name, do: block) do
    quote do
      started = System.monotonic_time(:microsecond)
      result = unquote(block)

      VsmPhoenix.Telemetry.Metrics.gauge(
        unquote(name),
        System.monotonic_time(:microsecond) - started
      )

      result
    end
  end
end
