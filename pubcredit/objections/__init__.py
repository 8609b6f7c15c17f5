"""Objections (异议): a subject disputes its records; deadlines and effects follow the pack."""
