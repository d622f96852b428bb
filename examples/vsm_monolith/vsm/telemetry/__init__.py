"""Observability: metrics, collection, reporting."""
