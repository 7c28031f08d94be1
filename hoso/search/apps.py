from __future__ import annotations

from django.apps import AppConfig


class SearchConfig(AppConfig):
    """Full-text search engine (tantivy embedded, PostgreSQL scaled) and `hoso search`."""

    name = "hoso.search"
    label = "search"
    verbose_name = "Tìm kiếm"
