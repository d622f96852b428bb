"""goldrush: the event-processing engine."""
