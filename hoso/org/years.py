"""The current school year: every page asks, so it is kept for the request and, between
requests, until the next committed write (hoso.core.data_version)."""

from __future__ import annotations

from hoso.core import data_version
from hoso.core.request_cache import once_per_request
from hoso.org.models import SchoolYear


def current_year() -> SchoolYear | None:
    return once_per_request("current_year", _kept_year)


def _kept_year() -> SchoolYear | None:
    found = data_version.kept("org.current_year", lambda: [_current_school_year()])
    return found[0]  # in a list: None is what the cache gives for "not kept"


def _current_school_year() -> SchoolYear | None:
    return SchoolYear.objects.filter(is_current=True).first()
