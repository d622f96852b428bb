"""The VSM monolith: every subsystem of the Viable System Model in one package."""

__version__ = "0.1.0"
