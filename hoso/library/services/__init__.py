"""Every write of the library, one module per area (docs/conventions.md)."""
