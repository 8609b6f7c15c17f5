"""Models of this domain (see docs/architecture.md)."""
