"""System 2: coordination, damping oscillation between operational units."""
