"""vsmctl: take a monolith apart into independently versioned packages.

Kept import-free on purpose: running code imports `vsmctl.flags` and `vsmctl.parallel`, and
importing the top-level package must not pull in the CLI's dependencies.
"""

__version__ = "0.1.0"
