defmodule VsmPhoenix.RateLimiter do
  @moduledoc "Per-key rate limits, one token bucket per key."
  use GenServer

  alias VsmPhoenix.Core.Clock
  alias VsmPhoenix.RateLimiter.Bucket

  def start_link(_opts), do: GenServer.start_link(__MODULE__, %{}, name: __MODULE__)

  @doc "`:ok` when `key` may act now, `:limited` when it must wait."
  def check(key), do: GenServer.call(__MODULE__, {:check, key, Clock.now_ms()})

  def reset, do: GenServer.call(__MODULE__, :reset)

  @impl true
  def init(buckets), do: {:ok, buckets}

  @impl true
  def handle_call({:check, key, now}, _from, buckets) do
    bucket =
      Map.get_lazy(buckets, key, fn -> Bucket.new(VsmPhoenix.Config.Store.get(:rate), now) end)

    case Bucket.take(bucket, now) do
      {:ok, bucket} -> {:reply, :ok, Map.put(buckets, key, bucket)}
      {:error, bucket} -> {:reply, :limited, Map.put(buckets, key, bucket)}
    end
  end

  def handle_call(:reset, _from, _buckets), do: {:reply, :ok, %{}}
end
