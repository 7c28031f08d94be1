"""Authorization, everywhere: every route × every demo role × own / same school / other school /
other district, against the expected answers written in the route table (tests/security/
expect.py, routes.py): the policy is never asked what the answer should be. A route without an
entry in routes.py fails.

Needs the demo province: the walk takes every route as every demo role, against the answers written
in tests/security/expect.py for the demo's units, people and objects."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import NoReverseMatch, reverse

from hoso.policy import visible
from tests.security import demo
from tests.security.expect import PHONG, TH1_STAFF, Scopes
from tests.security.routes import (
    ADMIN_NAMESPACE,
    GATE,
    KNOWN_INLINE,
    KNOWN_UNLOGGED,
    LOGIN,
    OBJECT,
    PUBLIC,
    ROUTES,
    SELF,
    SKIP,
    Route,
    audit_count,
)
from tests.security.urls_walk import all_routes

# One pass (PostgreSQL, the engine a province runs): the walk's subject is which route answers
# whom, decided by views and the policy module; the policy's database filters meet both engines
# in every app's matrix and visibility tests (hoso/*/tests/test_policy_matrix.py, …).
pytestmark = pytest.mark.one_pass("postgresql")

ROUTE_NAMES = sorted({found.name for found in all_routes() if found.name})
APP_ROUTES = [name for name in ROUTE_NAMES if not name.startswith(f"{ADMIN_NAMESPACE}:")]
ADMIN_ROUTES = [name for name in ROUTE_NAMES if name.startswith(f"{ADMIN_NAMESPACE}:")]
COVERED: dict[str, int] = {"requests": 0, "routes": 0, "combinations": 0}
NO_DEMO_DATA: list[str] = []
FILE_TYPES_SHOWN_INLINE = ("text/html", "application/json", "application/vnd.oai.openapi")
RECORD_VIEW = "records.record.view"
# The walked accounts with nothing at th2 (the other district): all but the Sở and the admin.
ROLES_OUTSIDE_TH2 = sorted(TH1_STAFF | {PHONG})


def test_every_route_has_a_registry_entry():
    unnamed = [f.pattern for f in all_routes() if not f.name and f.namespace != ADMIN_NAMESPACE]
    missing = [name for name in APP_ROUTES if name not in ROUTES]
    assert not unnamed, f"Routes without a name cannot be checked; name them: {unnamed}"
    assert not missing, (
        f"New routes without an authorization entry: {missing}. Add each to "
        "tests/security/routes.py ROUTES: which policy action governs it and how to build its "
        "arguments for the scopes own / same_school / other_school / other_district, and who "
        "should get in, written from the documented rules (tests/security/expect.py)."
    )


@pytest.fixture(scope="module", autouse=True)
def _report() -> Any:
    yield
    print(  # noqa: T201 — the figures of the run
        f"\nevery-URL: {COVERED['routes']} routes, {COVERED['combinations']} route×role×scope "
        f"combinations, {COVERED['requests']} requests; no demo object for: {NO_DEMO_DATA}"
    )


def signed_in_once(client_for: Any, api_for: Any) -> tuple[Any, Any]:
    """The two client makers, each signing an account in once per route walked (not once per
    scope and method): the walk only reads, and its refused writes leave nothing, so a session
    serves all of a route's requests. Signing in was a good part of the walk's time."""
    made: dict[tuple[bool, str], Any] = {}

    def maker(api: bool, make: Any) -> Any:
        def get(username: str) -> Any:
            if (api, username) not in made:
                made[api, username] = make(username)
            return made[api, username]

        return get

    return maker(False, client_for), maker(True, api_for)


def _client(username: str | None, api: bool, client_for: Any, api_for: Any) -> Any:
    if username is None:
        from rest_framework.test import APIClient

        return APIClient() if api else Client()
    return api_for(username) if api else client_for(username)


def _url(name: str, route: Route, target: demo.Target | None) -> str:
    kwargs = {**route.kwargs, **(target.kwargs if target else {})}
    url = reverse(name, kwargs=kwargs or None)
    query = target.query if target else route.query
    return f"{url}?{query}" if query else url


ANSWERS, REFUSED, HIDDEN = "answers", "refused", "hidden"


def expected(route: Route, username: str, scope: str | None, write: bool = False) -> str:
    """What the route table says `username` gets: the page (ANSWERS: 200, or a redirect), a
    refusal (REFUSED: 403 or 404) or nothing at all (HIDDEN: 404, as for a missing object)."""
    if route.kind in (PUBLIC, LOGIN, SELF):
        return ANSWERS
    if route.kind == GATE:
        assert route.expect is not None and not isinstance(route.expect, Scopes), route
        return ANSWERS if username in route.expect else HIDDEN
    assert isinstance(route.expect, Scopes) and scope is not None, route
    table = route.write_expect if write and route.write_expect is not None else route.expect
    if username in table[scope]:
        return ANSWERS
    seen = username in route.expect[scope] or (
        route.sees is not None and username in route.sees[scope]
    )
    return REFUSED if seen else HIDDEN


def status_mismatch(outcome: str, status: int) -> str | None:
    """None when `status` is what the table expects, else what was expected."""
    if outcome == ANSWERS and status not in (200, 301, 302):
        # 301: an old address kept as a permanent redirect (its target is checked itself).
        return f"{status}, but the table says it answers"
    if outcome == HIDDEN and status != 404:
        return f"{status}, but the table says it must be hidden (404)"
    if outcome == REFUSED and status not in (403, 404):
        return f"{status}, but the table says it is refused (403/404)"
    return None


def mismatches(name: str, scope: str | None, clients: Any) -> list[str]:
    """The GET answers of route `name` for `scope` that differ from the route table, for every
    demo account: the comparison the walk makes, without its other checks."""
    route = ROUTES[name]
    target = route.targets(scope) if route.targets is not None and scope else None
    found = []
    for username in [u for u in demo.ROLES.values() if u]:
        url = _url(name, route, target)
        response = _client(username, url.startswith("/api/"), *clients).get(url)
        problem = status_mismatch(expected(route, username, scope), response.status_code)
        if problem:
            found.append(f"{username} GET {url} ({scope}): {problem}")
    return found


def _check_anonymous(response: Any, url: str, api: bool) -> None:
    if api:
        assert response.status_code in (401, 403), f"anonymous {url}: {response.status_code}"
    else:
        assert response.status_code == 302, f"anonymous {url}: {response.status_code}"
        assert response["Location"].startswith(settings.LOGIN_URL), response["Location"]


def _check_file(response: Any, url: str) -> bool:
    """True when the response is a file (a download or an export)."""
    content_type = response.get("Content-Type", "")
    if response.status_code != 200 or content_type.startswith(FILE_TYPES_SHOWN_INLINE):
        return False
    disposition = response.get("Content-Disposition", "")
    if url.split("?")[0] in KNOWN_INLINE:
        return True
    assert disposition.startswith("attachment"), (
        f"{url} serves {content_type} without Content-Disposition: attachment ({disposition!r})"
    )
    return True


def _check_list(route: Route, user: Any, response: Any) -> None:
    if route.list_model is None or response.status_code != 200:
        return
    model = route.list_model
    if isinstance(model, str):
        from django.apps import apps

        model = apps.get_model(model)
    body = json.loads(response.content)
    items = body["results"] if isinstance(body, dict) else body
    returned = {item["id"] for item in items}
    allowed = set(visible(user, route.action, model.objects.all()).values_list("pk", flat=True))
    assert returned <= allowed, f"list shows objects the policy hides: {returned - allowed}"


def _check_get(
    route: Route, name: str, username: str | None, scope: str | None, target: Any, clients: Any
) -> None:
    url = _url(name, route, target)
    api = url.startswith("/api/")
    client = _client(username, api, *clients)
    before = audit_count()
    response = client.get(url)
    COVERED["requests"] += 1
    assert response.status_code < 500, f"{username} GET {url}: {response.status_code}"
    if username is None:
        if route.kind != PUBLIC:
            _check_anonymous(response, url, api)
        return
    where = f"{username} GET {url} ({route.action or route.kind}, {scope})"
    if route.kind == SELF:
        assert response.status_code in (200, 302, 404), f"{where}: {response.status_code}"
        return
    outcome = expected(route, username, scope)
    problem = status_mismatch(outcome, response.status_code)
    assert problem is None, f"{where}: {problem}"
    if outcome == ANSWERS:
        if _check_file(response, url) and name not in KNOWN_UNLOGGED:
            # DOMAIN.md §10.4: every download and export is in the audit log.
            assert audit_count() > before, f"{where}: a file was served without an audit entry"
        _check_list(route, demo.user(username), response)


def _check_post_refused(
    route: Route,
    name: str,
    username: str | None,
    scope: str | None,
    target: Any,
    clients: Any,
    method: str = "POST",
) -> None:
    url = _url(name, route, target)
    api = url.startswith("/api/")
    outcome = ANSWERS
    if username is not None:
        # A route read with GET and written with another method (DELETE on an API object) has
        # its own column for that method (`write_expect`).
        outcome = expected(route, username, scope, write=True)
        if outcome == ANSWERS:
            return  # refusals only: allowed writes are the business of each app's own tests
    client = _client(username, api, *clients)  # signing in writes an audit entry: before
    send = getattr(client, method.lower())
    before = audit_count()
    response = send(url, data={})
    COVERED["requests"] += 1
    where = f"{username} {method} {url} ({scope})"
    if username is None:
        _check_anonymous(response, url, api)
    elif outcome == HIDDEN and route.kind == OBJECT and response.status_code != 404:
        # Hidden must look exactly like missing: the same answer as for an id that does not
        # exist (a view may check the body before the object; then both are the same 400).
        missing = _missing_url(name, route, target)
        other = send(missing, data={})
        assert (response.status_code, response.content) == (other.status_code, other.content), (
            f"{where}: {response.status_code}, but {other.status_code} for a missing object"
        )
    elif api:
        # 403/404 from the policy, 400/409 when the form or state is checked first.
        assert 400 <= response.status_code < 500, f"{where}: {response.status_code}, refused"
    else:
        # A page may refuse by redirecting back with an error message (post/redirect/get);
        # what matters is that nothing was written (checked below).
        assert response.status_code in (302, 400, 403, 404, 409), f"{where}: {response.status_code}"
    assert audit_count() == before, f"{where} wrote to the audit log although refused"


def _missing_url(name: str, route: Route, target: demo.Target | None) -> str:
    kwargs = {**route.kwargs, **(target.kwargs if target else {})}
    for key in ("pk", "student_id"):
        if key in kwargs:
            kwargs[key] = 2_000_000_000
    return reverse(name, kwargs=kwargs)


def _targets(route: Route) -> list[tuple[str | None, demo.Target | None]]:
    if route.kind != OBJECT:
        return [(None, None)]
    assert route.targets is not None
    found = [(scope, route.targets(scope)) for scope in demo.SCOPES]
    return [(scope, target) for scope, target in found if target is not None]


@pytest.mark.django_db
@pytest.mark.parametrize("name", APP_ROUTES[0::2])
def test_route_follows_the_table(name: str, client_for: Any, api_for: Any) -> None:
    walk_route(name, client_for, api_for)


def walk_route(name: str, client_for: Any, api_for: Any) -> None:
    """Every role × scope × method of route `name` against the table. The other half of the
    routes is walked by tests/security/test_every_url_2.py: a file is one unit of work under
    `--dist loadfile`, and the walk of them all was the longest file of the suite by far."""
    route = ROUTES.get(name)
    if route is None:
        pytest.fail(f"{name}: no entry in tests/security/routes.py (see the registry test)")
    if route.kind == SKIP:
        pytest.skip(route.reason)
    targets = _targets(route)
    if not targets:
        NO_DEMO_DATA.append(name)
        pytest.skip(f"{name}: the demo province has no object of this kind yet")
    COVERED["routes"] += 1
    COVERED["combinations"] += len(targets) * len(demo.ROLES)
    clients = signed_in_once(client_for, api_for)
    for username in demo.ROLES.values():
        for scope, target in targets:
            if "GET" in route.methods:
                _check_get(route, name, username, scope, target, clients)
            for method in route.methods:
                if route.kind != PUBLIC and method != "GET":
                    _check_post_refused(route, name, username, scope, target, clients, method)


def test_every_gate_and_object_route_has_expectations():
    """The table is complete: a GATE names its accounts, an OBJECT its accounts per scope."""
    wrong = [
        name
        for name, route in ROUTES.items()
        if (route.kind == GATE and (route.expect is None or isinstance(route.expect, Scopes)))
        or (route.kind == OBJECT and not isinstance(route.expect, Scopes))
    ]
    assert not wrong, f"Routes without expected answers in the table: {wrong}"


@pytest.mark.django_db
def test_admin_site_is_for_staff_only(client_for: Any) -> None:
    for name in ADMIN_ROUTES:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue  # needs object ids; the index and changelists below cover the gate
        for username in [u for u in demo.ROLES.values() if u]:
            response = client_for(username).get(url)
            COVERED["requests"] += 1
            if username == "admin":
                assert response.status_code < 500, f"{url}: {response.status_code}"
            elif name not in ("admin:login", "admin:logout"):
                assert response.status_code == 302 and "/quan-tri/login/" in response["Location"]


@pytest.mark.django_db
def test_a_wrong_rule_in_the_policy_shows_as_a_mismatch(
    monkeypatch: Any, client_for: Any, api_for: Any
) -> None:
    """The oracle does not ask the policy: let one rule (who sees a record) wrongly allow
    everyone, and the comparison for that route reports the leak to another district."""
    from django.db.models import Q

    from hoso.policy import registry

    clients = (client_for, api_for)
    assert mismatches("records:detail", "other_district", clients) == []

    def anyone(*_args: Any) -> bool:
        return True

    broken = registry.Rule(RECORD_VIEW, anyone, lambda *_args: Q())
    monkeypatch.setitem(registry._RULES, RECORD_VIEW, broken)
    found = mismatches("records:detail", "other_district", clients)

    leaked = {line.split(" ")[0] for line in found}
    # Everyone of th1 and phong1 now reads th2's record; the Sở and the admin did already.
    assert leaked == set(ROLES_OUTSIDE_TH2), found
    assert all("must be hidden (404)" in line for line in found), found
