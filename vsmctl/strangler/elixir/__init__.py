"""Extraction for Elixir monoliths: the codemod backend (CodemodBackend) for Mix projects."""
