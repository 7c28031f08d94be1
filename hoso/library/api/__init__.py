"""The library's API (/api/v1/library/), one module per area; routes in api_urls.py."""
