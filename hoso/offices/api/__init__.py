"""The offices' API (/api/v1/offices/), one module per area; routes in api_urls.py."""
