"""Output: terminal tables, JSON documents and graph formats. Services never import this."""
