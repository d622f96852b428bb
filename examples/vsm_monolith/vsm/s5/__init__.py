"""System 5: policy and identity."""
