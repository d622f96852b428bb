defmodule VsmPhoenix.Goldrush.Engine do
  @moduledoc "The event engine: rules (pattern -> handler) run on every emitted event."
  use GenServer

  alias VsmPhoenix.Goldrush.{Event, Pattern}

  def start_link(_opts), do: GenServer.start_link(__MODULE__, [], name: __MODULE__)

  def rule(pattern, handler) when is_function(handler, 1) do
    GenServer.call(__MODULE__, {:rule, pattern, handler})
  end

  @doc "Records the event and runs the matching handlers in the caller; returns how many ran."
  def emit(topic, payload \\ %{}) do
    handlers = GenServer.call(__MODULE__, {:emit, Event.new(topic, payload)})
    # In the caller, not in the engine: a handler may emit again without deadlocking it.
    Enum.each(handlers, & &1.(topic))
    length(handlers)
  end

  def history, do: GenServer.call(__MODULE__, :history)

  @impl true
  def init(rules), do: {:ok, %{rules: rules, history: []}}

  @impl true
  def handle_call({:rule, pattern, handler}, _from, state) do
    {:reply, :ok, %{state | rules: state.rules ++ [{pattern, handler}]}}
  end

  def handle_call({:emit, %Event{} = event}, _from, state) do
    fired =
      for {pattern, handler} <- state.rules, Pattern.matches?(pattern, event.topic), do: handler

    {:reply, fired, %{state | history: Enum.take([event | state.history], 100)}}
  end

  def handle_call(:history, _from, state), do: {:reply, Enum.reverse(state.history), state}
end
