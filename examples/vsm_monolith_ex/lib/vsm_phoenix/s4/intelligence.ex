defmodule VsmPhoenix.S4.Intelligence do
  @moduledoc "System 4: the outside and the future; scans the environment, keeps a forecast."
  use VsmPhoenix.Core.Subsystem, level: 4

  alias VsmPhoenix.S4.Forecast

  @impl VsmPhoenix.Core.Subsystem
  def status, do: %{level: level(), trend: Forecast.trend(), signals: signals()}

  def scan(signal), do: GenServer.call(__MODULE__, {:scan, signal})

  def signals, do: GenServer.call(__MODULE__, :signals)

  @impl GenServer
  def init(_opts), do: {:ok, []}

  @impl GenServer
  def handle_call({:scan, signal}, _from, signals) do
    Forecast.observe()
    {:reply, :ok, [signal | signals]}
  end

  def handle_call(:signals, _from, signals), do: {:reply, Enum.reverse(signals), signals}
end
