defmodule VsmPhoenix.S3.Audit do
  @moduledoc "System 3*: sporadic audits of the units, weighed against System 4's forecast."
  alias VsmPhoenix.S4.Forecast

  @findings_key {__MODULE__, :findings}

  # Tangle: S3 asks S4, S4 asks telemetry, telemetry asks S3 (a cycle across three packages).
  def run do
    trend = Forecast.trend()

    findings =
      for unit <- VsmPhoenix.S1.Operations.units(), unit.done > 0 and trend < 0 do
        {unit.name, :declining}
      end

    :persistent_term.put(@findings_key, findings)
    findings
  end

  def recent, do: :persistent_term.get(@findings_key, [])
end
