defmodule VsmPhoenix.S4.Forecast do
  @moduledoc "Where the load is heading: the last observations and their trend."
  alias VsmPhoenix.Telemetry.Reporter

  def observe do
    load = Reporter.load()
    history = [load | :persistent_term.get(__MODULE__, [])] |> Enum.take(10)
    :persistent_term.put(__MODULE__, history)
    load
  end

  @doc "Positive when the load grows, negative when it shrinks, 0 without enough data."
  def trend do
    case :persistent_term.get(__MODULE__, []) do
      [latest, previous | _] -> latest - previous
      _ -> 0
    end
  end
end
