"""Every write of the gradebook, one module per area (docs/conventions.md)."""
