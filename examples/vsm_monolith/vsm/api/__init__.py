"""A small JSON HTTP API on the standard library."""
