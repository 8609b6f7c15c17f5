"""Disclosure selectors, one module per concern; import from the module."""
