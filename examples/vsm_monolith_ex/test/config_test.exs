defmodule VsmPhoenix.ConfigTest do
  use VsmPhoenix.VsmCase, async: false

  alias VsmPhoenix.Config.{Settings, Store}

  test "settings come from the application environment" do
    settings = Settings.load()
    assert settings.identity == "vsm-phoenix"
    assert settings.rate == 3
  end

  test "the store changes a setting while the system runs" do
    old = Store.get(:algedonic_threshold)
    Store.put(:algedonic_threshold, 0.2)
    assert Store.get(:algedonic_threshold) == 0.2
    Store.put(:algedonic_threshold, old)
  end
end
