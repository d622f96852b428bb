defmodule VsmPhoenix.Algedonic.Signal do
  @moduledoc "Pain or pleasure, straight from a unit to System 5."
  @enforce_keys [:source, :intensity]
  defstruct [:source, :intensity]
end

defmodule VsmPhoenix.Algedonic.Channel do
  @moduledoc "The algedonic channel: bypasses S2–S4 and reaches S5 at once."
  alias VsmPhoenix.Algedonic.Signal
  alias VsmPhoenix.Goldrush.Engine

  def alert(source, intensity) when intensity >= 0 and intensity <= 1 do
    signal = %Signal{source: source, intensity: intensity}
    Engine.emit("algedonic.alert", %{source: source})
    VsmPhoenix.S5.Policy.on_signal(signal)
  end
end
