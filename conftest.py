"""Shared pytest fixtures. Domain fixtures and factories live in each app's tests/."""
