"""Configuration management."""
