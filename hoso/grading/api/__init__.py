"""The gradebook's REST API under /api/v1/: the same services and policy as the pages."""
