"""Every read of the collection domain, one module per workflow: batches, declarations, reporting."""
