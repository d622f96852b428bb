import Config

config :vsm_phoenix, rate: 3
