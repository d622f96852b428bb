"""System 1: the operational units that do the primary work."""
