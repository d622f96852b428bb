defmodule VsmPhoenix do
  @moduledoc """
  A Viable System Model in one Mix project: subsystems S1–S5, the algedonic channel,
  telemetry, an event engine (goldrush), a rate limiter, configuration, an API router and
  a console. The monolith that `vsmctl` takes apart.
  """

  alias VsmPhoenix.{Algedonic, S1, S5}

  @doc "Pain or pleasure from `source`: `:escalate` or `:absorb`, as System 5 decides."
  def alert(source, intensity),
    do: S5.Policy.on_signal(Algedonic.Channel.alert(source, intensity))

  @doc "What the whole system reports about itself."
  def status do
    identity = S5.Policy.identity()

    %{
      identity: identity.name,
      purpose: identity.purpose,
      units: S1.Operations.unit_names(),
      metrics: VsmPhoenix.Telemetry.Metrics.snapshot()
    }
  end
end
