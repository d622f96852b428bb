"""Rate limiting for the API and the subsystems."""
