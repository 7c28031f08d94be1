"""`{% javascript_catalogue_url %}`: the address of the JavaScript catalogue (gettext() for the
static scripts) in the page's language, with the catalogue's version so that browsers keep it
until the translations change (hoso.core.views.javascript_catalogue)."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from hoso.core.locale import javascript_catalogue_version

register = template.Library()


@register.simple_tag
def javascript_catalogue_url() -> str:
    language = translation.get_language()
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    url = reverse("javascript-catalog", kwargs={"language": language})
    return f"{url}?v={javascript_catalogue_version()}"
