"""The `check` feature: boundary rules (one file each in rules/) run against the analysis, with a baseline."""
