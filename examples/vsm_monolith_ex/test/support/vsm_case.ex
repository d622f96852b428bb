defmodule VsmPhoenix.VsmCase do
  @moduledoc "Resets the shared state the running application keeps between tests."
  use ExUnit.CaseTemplate

  setup do
    VsmPhoenix.Telemetry.Metrics.reset()
    VsmPhoenix.RateLimiter.reset()
    :ok
  end
end
