defmodule VsmPhoenix.Config.Store do
  @moduledoc "Settings that operators change while the system runs (an Agent over Settings)."
  use Agent

  alias VsmPhoenix.Config.Settings

  def start_link(_opts), do: Agent.start_link(&Settings.load/0, name: __MODULE__)

  def get(key), do: Agent.get(__MODULE__, &Map.fetch!(&1, key))

  def put(key, value), do: Agent.update(__MODULE__, &Map.replace!(&1, key, value))

  def settings, do: Agent.get(__MODULE__, & &1)
end
