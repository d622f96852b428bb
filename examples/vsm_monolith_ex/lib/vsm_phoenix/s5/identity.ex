defmodule VsmPhoenix.S5.Identity do
  @moduledoc "Who the system is and what it is for."
  defstruct [:name, :purpose]
end
