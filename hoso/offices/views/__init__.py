"""Pages of the offices, one module per area."""
