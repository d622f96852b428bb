"""Core primitives every subsystem builds on."""
