defmodule VsmPhoenix.RateLimiter.Bucket do
  @moduledoc "A token bucket: `rate` tokens a second, at most `rate` held."
  defstruct [:rate, :tokens, :updated_ms]

  def new(rate, now_ms), do: %__MODULE__{rate: rate, tokens: rate * 1.0, updated_ms: now_ms}

  def take(%__MODULE__{} = bucket, now_ms) do
    refilled =
      min(bucket.rate * 1.0, bucket.tokens + (now_ms - bucket.updated_ms) * bucket.rate / 1000)

    if refilled >= 1 do
      {:ok, %__MODULE__{bucket | tokens: refilled - 1, updated_ms: now_ms}}
    else
      {:error, %__MODULE__{bucket | tokens: refilled, updated_ms: now_ms}}
    end
  end
end
