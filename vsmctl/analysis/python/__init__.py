"""The Python frontend: discovery of packages, grimp plus our own scanner for the import graph."""
