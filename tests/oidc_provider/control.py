"""The tests' door into the stand-in provider: register HoSo as a client, add people, make
the next ID tokens misbehave. Guarded by the random key the test process gave at start."""

from __future__ import annotations

import hmac
import json
import os
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider.models import get_application_model


@csrf_exempt
def setup(request: HttpRequest) -> HttpResponse:
    key = request.headers.get("X-Test-Key", "")
    if request.method != "POST" or not hmac.compare_digest(key, os.environ["OIDC_TEST_KEY"]):
        return HttpResponseForbidden()
    body: dict[str, Any] = json.loads(request.body)
    for client in body.get("clients", []):
        _client(client)
    people = json.loads((settings.DATA / "people.json").read_text(encoding="utf-8") or "{}")
    for person in body.get("people", []):
        user, _ = get_user_model().objects.get_or_create(username=person["username"])
        user.email = person["email"]
        user.first_name = person.get("name", "")
        user.set_password(person["password"])
        user.save()
        people[user.username] = {"email_verified": bool(person.get("email_verified"))}
    (settings.DATA / "people.json").write_text(json.dumps(people), encoding="utf-8")
    if "tamper" in body:
        (settings.DATA / "tamper.json").write_text(json.dumps(body["tamper"]), encoding="utf-8")
    return JsonResponse({"ok": True})


def _client(client: dict[str, Any]) -> None:
    application = get_application_model()
    app = application.objects.filter(client_id=client["client_id"]).first() or application(
        client_id=client["client_id"]
    )
    app.name = client["client_id"]
    app.client_type = application.CLIENT_CONFIDENTIAL
    app.authorization_grant_type = application.GRANT_AUTHORIZATION_CODE
    app.algorithm = application.RS256_ALGORITHM
    app.client_secret = client["client_secret"]
    app.redirect_uris = " ".join(client["redirect_uris"])
    app.skip_authorization = True  # no consent page: the school's tenant admin consented
    app.save()
