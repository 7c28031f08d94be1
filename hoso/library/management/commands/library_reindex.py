"""Rebuild both searches of the library from the database: the OPAC's stored folded column
(recomputed where a searched field, e.g. the series, is not in it yet) and the union catalogue's
search index."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = "Xây dựng lại chỉ mục tìm kiếm của thư viện (tra cứu của trường và mục lục liên hợp)."

    def handle(self, *args: Any, **options: Any) -> None:
        from hoso.library.search_index import reindex_all
        from hoso.library.services.catalogue import search_text_refresh

        refreshed = search_text_refresh()
        self.stdout.write(_("Đã cập nhật chỉ mục tra cứu của %(n)d đầu sách.") % {"n": refreshed})
        count = reindex_all()
        self.stdout.write(f"Đã lập chỉ mục {count} đầu sách.")
