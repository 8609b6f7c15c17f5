"""Disclosure views, one module per concern; import from the module."""
