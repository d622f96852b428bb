"""System 4: intelligence, looking outward and forward."""
