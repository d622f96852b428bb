"""Reading a monolith: its modules, its import graph, metrics and cycles."""
