"""A service the request needs does not answer (PostgreSQL restarting, Redis gone, the object
store unreachable): the user is told to try again in a moment — 503 with Retry-After — instead
of the generic error page. Nothing was saved by the failed request: every write is one
transaction, and a file reaches the store before the row that points at it is committed.

Used by Django's 500 handler (hoso.core.views.server_error: exceptions of middleware and views
alike end there) and by the API's error middleware (hoso.core.api_errors)."""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy

from hoso.core.api import error_body
from hoso.core.retry import is_retryable

log = logging.getLogger("hoso.unavailable")

RETRY_AFTER_SECONDS = 30
UNAVAILABLE_MESSAGE = gettext_lazy(
    "Hệ thống đang tạm gián đoạn trong giây lát. Yêu cầu này chưa được thực hiện; vui lòng "
    "thử lại sau ít phút."
)


def _outage_types() -> tuple[type[BaseException], ...]:
    found: list[type[BaseException]] = [OperationalError, InterfaceError]
    try:
        import psycopg

        found += [psycopg.OperationalError, psycopg.InterfaceError]
    except ImportError:  # pragma: no cover — SQLite-only installations
        pass
    try:
        from redis import exceptions as redis_errors

        found += [redis_errors.ConnectionError, redis_errors.TimeoutError]
    except ImportError:  # pragma: no cover
        pass
    try:
        from botocore import exceptions as boto_errors

        # refused or timed out connecting; closed or timed out while reading
        found += [boto_errors.ConnectionError, boto_errors.HTTPClientError]
    except ImportError:  # pragma: no cover
        pass
    return tuple(found)


def is_outage(exc: BaseException | None) -> bool:
    """True when `exc`, or what caused it, says a service did not answer (not a bug, not a
    deadlock: those are retried by hoso.core.retry first)."""
    if exc is None or is_retryable(exc):
        return False
    types = _outage_types()
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, types):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def unavailable_response(request: HttpRequest, exc: BaseException | None = None) -> HttpResponse:
    """503 with Retry-After: JSON for the API, a small page (no template, no database, no cache:
    none of them may be up) for the rest."""
    log.warning(
        "service unavailable on %s %s: %s", request.method, request.path, type(exc).__name__
    )
    message = str(UNAVAILABLE_MESSAGE)
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(error_body("unavailable", message), status=503)
    else:
        title = gettext("Hệ thống tạm gián đoạn")
        response = HttpResponse(
            format_html(
                '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
                '<meta name="viewport" content="width=device-width, initial-scale=1">'
                "<title>{} — HoSo</title></head><body><main><h1>{}</h1><p>{}</p>"
                '<p><a href="">{}</a></p></main></body></html>',
                title,
                title,
                message,
                gettext("Thử lại"),
            ),
            status=503,
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
