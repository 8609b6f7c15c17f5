"""Turning a provider's rows into record candidates: column plan, field checks, subjects."""
