"""Pages reachable by the demo roles, found through the route registry (for CSRF and markup
checks): every GET route, called with the arguments of the "own" and "same school" scopes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

from django.urls import reverse

from tests.security.routes import GATE, LOGIN, OBJECT, PUBLIC, ROUTES, SELF
from tests.security.urls_walk import all_routes

CRAWL_USERS = ("th1.giaovien1", "th1.totruong", "th1.hieutruong", "th1.vanthu", "admin")


def page_urls(*, one_object: bool = False) -> Iterator[str]:
    """Every GET route; a route about one object with the reference teacher's own object and
    a colleague's, or with the first of them that exists when `one_object` (the same page
    about another object of the same kind)."""
    names = {found.name for found in all_routes()}
    for name, route in ROUTES.items():
        if name not in names or "GET" not in route.methods:
            continue
        if route.kind not in (PUBLIC, LOGIN, SELF, GATE, OBJECT):
            continue
        targets = (
            [None]
            if route.kind != OBJECT
            else [route.targets(scope) for scope in ("own", "same_school") if route.targets]
        )
        if route.kind == OBJECT:
            targets = [target for target in targets if target is not None][: 1 if one_object else 2]
        for target in targets:
            kwargs = {**route.kwargs, **(target.kwargs if target else {})}
            url = reverse(name, kwargs=kwargs or None)
            yield f"{url}?{target.query}" if target and target.query else url


class FormFinder(HTMLParser):
    """Collects (method, action, has_csrf_token) of forms, and htmx requests that write."""

    def __init__(self, page_url: str) -> None:
        super().__init__()
        self.page_url = page_url
        self.forms: list[dict[str, Any]] = []
        self.htmx_writes: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.forms.append(
                {
                    "method": values.get("method", "get").lower(),
                    "action": values.get("action") or self.page_url,
                    "token": False,
                }
            )
        elif tag == "input" and values.get("name") == "csrfmiddlewaretoken" and self.forms:
            self.forms[-1]["token"] = True
        for key in ("hx-post", "hx-put", "hx-patch", "hx-delete"):
            if key in values:
                self.htmx_writes.append(values[key] or self.page_url)


def forms_in(html: str, page_url: str) -> FormFinder:
    finder = FormFinder(page_url)
    finder.feed(html)
    return finder


INLINE_PATTERNS = {
    "inline <script> (needs src=, or type=application/json for data)": re.compile(
        r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(ld\+)?json\")[^>]*>", re.I
    ),
    "inline event handler (onclick=…)": re.compile(r"<[^>]+\son[a-z]+\s*=", re.I),
    "htmx inline handler (hx-on)": re.compile(r"\shx-on[:\-]", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
    "style attribute (CSP style-src 'self')": re.compile(r"<[^>]+\sstyle\s*=", re.I),
}


def inline_violations(html: str) -> list[str]:
    return [what for what, pattern in INLINE_PATTERNS.items() if pattern.search(html)]
