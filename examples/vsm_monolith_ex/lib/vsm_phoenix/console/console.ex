defmodule VsmPhoenix.Console do
  @moduledoc "The operator's console: one command in, lines of text out."

  alias VsmPhoenix.Console.Commands

  @commands ~w(status units audit metrics)

  @doc "Runs a console command given as its words; returns the lines to print."
  def run([command | _args]) when command in @commands do
    apply(Commands, String.to_existing_atom(command), [])
  end

  def run(_), do: ["usage: vsm (#{Enum.join(@commands, "|")})"]
end

defmodule VsmPhoenix.Console.Commands do
  @moduledoc false
  alias VsmPhoenix.Core.Describable

  def status do
    status = VsmPhoenix.status()
    ["#{status.identity}: #{status.purpose}", "units: #{Enum.join(status.units, ", ")}"]
  end

  def units, do: Enum.map(VsmPhoenix.S1.Operations.units(), &Describable.describe/1)

  def audit do
    case VsmPhoenix.S3.Control.audit() do
      [] -> ["audit: nothing to report"]
      findings -> for {unit, finding} <- findings, do: "audit: #{unit} #{finding}"
    end
  end

  def metrics do
    for {name, value} <- Enum.sort(VsmPhoenix.Telemetry.Metrics.snapshot()),
        do: "#{name} #{value}"
  end
end
