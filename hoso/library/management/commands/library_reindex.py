"""Rebuild the union-catalogue search index from the database."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Xây dựng lại chỉ mục tìm kiếm mục lục liên hợp thư viện."

    def handle(self, *args: Any, **options: Any) -> None:
        from hoso.library.search_index import reindex_all

        count = reindex_all()
        self.stdout.write(f"Đã lập chỉ mục {count} đầu sách.")
