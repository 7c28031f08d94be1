"""Pages of the library, one module per area."""
