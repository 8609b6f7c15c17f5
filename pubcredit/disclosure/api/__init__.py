"""Disclosure api, one module per concern; import from the module."""
