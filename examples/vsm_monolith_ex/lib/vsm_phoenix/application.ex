defmodule VsmPhoenix.Application do
  @moduledoc "The supervision tree: configuration and core first, then the subsystems."
  use Application

  alias VsmPhoenix.{Config, Goldrush, Telemetry}

  @impl true
  def start(_type, _args) do
    children = [
      {Registry, keys: :unique, name: VsmPhoenix.Core.Registry},
      Config.Store,
      Telemetry.Metrics,
      Goldrush.Engine,
      VsmPhoenix.RateLimiter,
      VsmPhoenix.S1.Operations,
      VsmPhoenix.S2.Coordination,
      VsmPhoenix.S3.Control,
      VsmPhoenix.S4.Intelligence,
      VsmPhoenix.S5.Policy
    ]

    with {:ok, pid} <-
           Supervisor.start_link(children, strategy: :one_for_one, name: VsmPhoenix.Supervisor) do
      Goldrush.Engine.rule("s1.done", &Telemetry.Metrics.incr/1)
      Goldrush.Engine.rule("s1.rejected", &Telemetry.Metrics.incr/1)
      {:ok, pid}
    end
  end
end
