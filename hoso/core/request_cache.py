"""Values computed at most once per web request (the current school year, the menu's shared
counts…): several middlewares, the view and the menu ask for the same facts.

Only inside a request handled by RequestCacheMiddleware: tasks, commands and code called
directly (tests) compute every time, as before. Any model saved or deleted through the ORM
empties the request's cache, so a request that changes data and then reads it sees the change.
Each thread (waitress serves one request per thread) has its own cache."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from contextvars import ContextVar
from typing import Any, TypeVar

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse

T = TypeVar("T")

_store: ContextVar[dict[Hashable, Any] | None] = ContextVar("hoso_request_cache", default=None)


def once_per_request(key: Hashable, compute: Callable[[], T]) -> T:
    """compute() the first time `key` is asked for in this request; its value afterwards."""
    store = _store.get()
    if store is None:
        return compute()
    if key in store:
        return store[key]  # type: ignore[no-any-return]
    value = store[key] = compute()
    return value


def forget(*_: Any, **__: Any) -> None:
    store = _store.get()
    if store:
        store.clear()


post_save.connect(forget, weak=False, dispatch_uid="hoso.request_cache.save")
post_delete.connect(forget, weak=False, dispatch_uid="hoso.request_cache.delete")
m2m_changed.connect(forget, weak=False, dispatch_uid="hoso.request_cache.m2m")


class RequestCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _store.set({})
        try:
            return self.get_response(request)
        finally:
            _store.reset(token)
