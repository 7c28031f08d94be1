"""Vietnamese first: the page language is Vietnamese unless the person chose English (the
language cookie set by Django's set_language view). A browser's Accept-Language — often en-US on
school computers — does not switch the interface."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class VietnameseFirstLocaleMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


def javascript_catalogue_version() -> str:
    """A short fingerprint of what the JavaScript catalogue is made of: the compiled djangojs
    catalogues and Django's version (its number formats and the plural code). It goes into the
    catalogue's address and cache key, so that a browser or the shared cache never keeps an old
    catalogue after the translations change; the same files give the same address on every
    server. Read once per process."""
    return _catalogue_version()


@functools.cache
def _catalogue_version() -> str:
    digest = hashlib.sha256(django.get_version().encode())
    for directory in catalogue_directories():
        for mo in sorted(Path(directory).glob("*/LC_MESSAGES/djangojs.mo")):
            digest.update(str(mo.relative_to(directory)).encode())
            digest.update(mo.read_bytes())
    return digest.hexdigest()[:12]


def catalogue_directories() -> list[str]:
    """Where the djangojs catalogues of HoSo's scripts may be: the project's locale directory
    (LOCALE_PATHS) and those of HoSo's own apps; not the other installed apps (the admin's and
    allauth's script strings are none of ours)."""
    ours = our_apps()
    return [str(path) for path in settings.LOCALE_PATHS] + [
        str(Path(app.path) / "locale") for app in apps.get_app_configs() if app.name in ours
    ]


def our_apps() -> list[str]:
    return [app.name for app in apps.get_app_configs() if app.name.startswith("hoso.")]
