"""Package boundaries: proposing them from the code, scoring partitions, and enforcing them."""
