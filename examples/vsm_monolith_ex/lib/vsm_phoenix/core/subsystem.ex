defmodule VsmPhoenix.Core.Subsystem do
  @moduledoc "What every VSM subsystem answers; `use` it to get the defaults."
  @callback level() :: 1..5
  @callback status() :: map()

  defmacro __using__(opts) do
    level = Keyword.fetch!(opts, :level)

    quote do
      @behaviour VsmPhoenix.Core.Subsystem
      use GenServer

      @impl VsmPhoenix.Core.Subsystem
      def level, do: unquote(level)

      def start_link(opts \\ []), do: GenServer.start_link(__MODULE__, opts, name: __MODULE__)
    end
  end
end
