"""The algedonic channel: pain/pleasure signals straight from S1 to S5."""
