defmodule VsmPhoenix.S5.Policy do
  @moduledoc "System 5: identity and policy; decides what an algedonic signal means."
  use VsmPhoenix.Core.Subsystem, level: 5

  alias VsmPhoenix.Config.Store, as: Config
  alias VsmPhoenix.S5.Identity

  @impl VsmPhoenix.Core.Subsystem
  def status, do: %{level: level(), identity: identity().name}

  def identity, do: GenServer.call(__MODULE__, :identity)

  @doc "`:escalate` when the signal is stronger than the threshold, `:absorb` otherwise."
  def on_signal(%VsmPhoenix.Algedonic.Signal{intensity: intensity}) do
    if intensity >= Config.get(:algedonic_threshold), do: :escalate, else: :absorb
  end

  @impl GenServer
  def init(_opts) do
    settings = Config.settings()
    {:ok, %Identity{name: settings.identity, purpose: settings.purpose}}
  end

  @impl GenServer
  def handle_call(:identity, _from, identity), do: {:reply, identity, identity}
end
