"""Extraction: scaffold a package, move modules with codemods, shims, abstractions; git steps."""
