"""Every write of the offices, one module per area (docs/conventions.md)."""
