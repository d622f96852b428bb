defmodule VsmPhoenix.Api.Router do
  @moduledoc "A JSON-free API router: (method, path, client) in, {status, body} out."
  alias VsmPhoenix.RateLimiter

  def handle(method, path, client) do
    case RateLimiter.check(client) do
      :ok -> route(method, String.split(path, "/", trim: true))
      :limited -> {429, %{error: "rate limited"}}
    end
  end

  defp route("GET", ["status"]), do: {200, VsmPhoenix.status()}
  defp route("GET", ["allocations"]), do: {200, VsmPhoenix.S3.Control.allocations()}

  defp route("POST", ["units", unit, "work"]) do
    case VsmPhoenix.S1.Operations.perform(unit, 1.0) do
      :ok -> {202, %{unit: unit}}
      :rejected -> {409, %{unit: unit, error: "rejected"}}
    end
  end

  defp route(_method, _path), do: {404, %{error: "not found"}}
end
