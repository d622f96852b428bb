defmodule VsmPhoenix.MixProject do
  use Mix.Project

  # No Hex dependencies: the example builds with nothing but Elixir and Erlang/OTP.
  def project do
    [
      app: :vsm_phoenix,
      version: "0.1.0",
      elixir: "~> 1.14",
      elixirc_paths: elixirc_paths(Mix.env()),
      start_permanent: Mix.env() == :prod,
      deps: []
    ]
  end

  def application do
    [
      extra_applications: [:logger],
      mod: {VsmPhoenix.Application, []}
    ]
  end

  defp elixirc_paths(:test), do: ["lib", "test/support"]
  defp elixirc_paths(_), do: ["lib"]
end
