"""Pages of the repairs workflow."""
