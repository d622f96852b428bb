"""The ways a package can leave the monolith (a module of its own: the CLI's `--via` choice reads it
at start-up, without the cost of the roadmap model's dataclasses)."""

APPROACHES = ("strangler", "abstraction")  # strangler fig (move + shims), branch by abstraction
