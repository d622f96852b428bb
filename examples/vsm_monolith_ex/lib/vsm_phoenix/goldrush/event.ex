defmodule VsmPhoenix.Goldrush.Event do
  @moduledoc "Something that happened, with a topic and a payload."
  @enforce_keys [:topic]
  defstruct [:topic, payload: %{}, at: nil]

  def new(topic, payload \\ %{}) do
    %__MODULE__{topic: topic, payload: payload, at: System.monotonic_time(:millisecond)}
  end
end
