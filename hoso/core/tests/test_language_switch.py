"""The language switch in every page's footer: Vietnamese for everyone who has not chosen,
English once a person chooses it (a cookie kept a year), Vietnamese again when they switch back.
Our English catalogue may still be incomplete: the page's weekday comes from Django's own."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation
from django.utils.formats import date_format

from tests.factories import login, school_world

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]
SWITCH = "/i18n/setlang/"


@pytest.fixture
def teacher() -> Client:
    """A teacher of a small school, signed in (no language chosen yet)."""
    return login(school_world("ls").people["giaovien"])


def _weekday(language: str) -> str:
    with translation.override(language):
        return date_format(timezone.localdate(), "l")


def _switch(client: Client, language: str) -> Any:
    return client.post(SWITCH, {"language": language, "next": "/"})


def test_the_footer_switch_turns_the_home_page_english_and_back(teacher: Client) -> None:
    client = teacher
    assert _weekday("en") != _weekday("vi")

    before = client.get("/")
    assert before["Content-Language"] == "vi" and '<html lang="vi"' in before.content.decode()
    assert _weekday("vi") in before.content.decode()

    switched = _switch(client, "en")
    assert switched.status_code == 302 and switched["Location"] == "/"
    cookie = switched.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en" and cookie["max-age"] == 365 * 24 * 3600
    english = client.get("/")
    html = english.content.decode()
    assert english["Content-Language"] == "en" and '<html lang="en"' in html
    assert _weekday("en") in html and _weekday("vi") not in html

    _switch(client, "vi")
    again = client.get("/")
    assert again["Content-Language"] == "vi" and _weekday("vi") in again.content.decode()


def test_the_switch_shows_the_current_language_as_text_and_the_other_as_a_button(
    teacher: Client,
) -> None:
    client = teacher

    html = client.get("/").content.decode()

    assert '<span lang="vi" aria-current="true">Tiếng Việt</span>' in html
    assert re.search(r'<button type="submit" name="language" value="en" lang="en">English', html)
    assert 'value="vi" lang="vi">' not in html
    _switch(client, "en")
    html = client.get("/").content.decode()
    assert '<span lang="en" aria-current="true">English</span>' in html
    assert 'name="language" value="vi" lang="vi">Tiếng Việt</button>' in html


def test_a_browser_asking_for_english_still_gets_vietnamese_until_the_person_chooses(
    teacher: Client,
) -> None:
    client = teacher

    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert response["Content-Language"] == "vi" and _weekday("vi") in response.content.decode()


def test_the_sign_in_page_offers_the_switch_before_signing_in() -> None:
    client = Client()

    html = client.get(settings.LOGIN_URL).content.decode()
    assert 'value="en" lang="en">English</button>' in html
    _switch(client, "en")
    assert client.get(settings.LOGIN_URL)["Content-Language"] == "en"


def test_a_language_not_offered_leaves_the_pages_vietnamese(teacher: Client) -> None:
    client = teacher

    client.post(SWITCH, {"language": "fr", "next": "/"})  # Django ships French: cookie set

    assert client.get("/")["Content-Language"] == "vi"
