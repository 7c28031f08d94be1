from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class SearchConfig(AppConfig):
    """Full-text search engine (tantivy embedded, PostgreSQL scaled) and `hoso search`."""

    name = "hoso.search"
    label = "search"
    verbose_name = gettext_lazy("Tìm kiếm")
