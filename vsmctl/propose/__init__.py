"""The proposal feature: package boundaries proposed from the code, scored, and written into roadmap.yaml."""
