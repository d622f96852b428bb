defmodule VsmPhoenix.Algedonic.Signal do
  @moduledoc "Pain or pleasure, straight from a unit to System 5."
  @enforce_keys [:source, :intensity]
  defstruct [:source, :intensity]
end

defmodule VsmPhoenix.Algedonic.Channel do
  @moduledoc "The algedonic channel: bypasses S2–S4 on its way to S5."
  alias VsmPhoenix.Algedonic.Signal
  alias VsmPhoenix.Goldrush.Engine

  @doc "Raises a signal and announces it; System 5 decides what it means (see `VsmPhoenix.alert/2`)."
  def alert(source, intensity) when intensity >= 0 and intensity <= 1 do
    Engine.emit("algedonic.alert", %{source: source})
    %Signal{source: source, intensity: intensity}
  end
end
