import Config

config :vsm_phoenix,
  identity: "vsm-phoenix",
  purpose: "keep the organisation viable",
  limits: %{cpu: 10.0, memory: 8.0},
  rate: 5,
  algedonic_threshold: 0.7

import_config "#{config_env()}.exs"
