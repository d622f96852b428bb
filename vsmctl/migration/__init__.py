"""The migration as one plan: `vsmctl roadmap init|status|plan|gates`, computed from git, the event log
and the parallel-run store (never from state of its own)."""
