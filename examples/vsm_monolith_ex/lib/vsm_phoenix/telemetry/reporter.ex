defmodule VsmPhoenix.Telemetry.Reporter do
  @moduledoc "A summary for operators: the metrics, and what the audit found lately."
  alias VsmPhoenix.Telemetry.Metrics

  # Tangle: telemetry reaching up into System 3 (closes the S3 -> S4 -> telemetry cycle).
  def summary do
    %{metrics: Metrics.snapshot(), findings: length(VsmPhoenix.S3.Audit.recent())}
  end

  def load do
    Metrics.get("s1.done") + Metrics.get("s1.rejected")
  end
end
