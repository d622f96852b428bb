defmodule VsmPhoenix.Config.Settings do
  @moduledoc "The application's settings, read from the application environment."
  defstruct identity: "vsm", purpose: "", limits: %{}, rate: 5, algedonic_threshold: 0.7

  def load do
    env = Application.get_all_env(:vsm_phoenix)

    struct(
      __MODULE__,
      Keyword.take(env, [:identity, :purpose, :limits, :rate, :algedonic_threshold])
    )
  end

  def limits, do: Application.get_env(:vsm_phoenix, :limits, %{cpu: 10.0})
  def rate, do: Application.get_env(:vsm_phoenix, :rate, 5)
end
