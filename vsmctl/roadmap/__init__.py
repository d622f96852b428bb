"""The migration plan: roadmap.yaml, its schema, and how modules map onto its packages."""
