"""Pages of the collection domain (thin: forms in, services and selectors out), one module per workflow."""
