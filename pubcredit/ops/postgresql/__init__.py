"""PostgreSQL backend for the platform: Django's, with a health check that skips busy connections."""
