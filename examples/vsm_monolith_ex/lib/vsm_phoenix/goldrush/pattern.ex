defmodule VsmPhoenix.Goldrush.Pattern do
  @moduledoc "Topic patterns: `s1.*` matches `s1.done`; `*` matches everything."

  def matches?("*", _topic), do: true

  def matches?(pattern, topic) do
    case String.split(pattern, "*", parts: 2) do
      [exact] -> exact == topic
      [prefix, ""] -> String.starts_with?(topic, prefix)
      [prefix, suffix] -> String.starts_with?(topic, prefix) and String.ends_with?(topic, suffix)
    end
  end
end
