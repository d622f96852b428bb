"""System 3: control, resource allocation and audit (S3*)."""
