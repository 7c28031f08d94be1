"""Pages and API of the webhooks: who sees which endpoints (hidden = missing = 404), the
secret shown once, edit, disable, test event, replay."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from hoso.audit.models import AuditEntry
from hoso.core.secrets import unseal
from hoso.webhooks import services
from hoso.webhooks.models import Delivery, Endpoint
from hoso.webhooks.tests.factories import webhook_world
from tests.factories import api_login, login

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]

URL = "https://hooks.example.invalid/hoso"


@pytest.fixture
def world(settings: Any) -> Any:
    settings.HOSO_2FA_REQUIRED_ROLES = []
    world = webhook_world("wp")
    endpoint, secret = services.endpoint_create(
        actor=world.people["vanthu"],
        unit=world.units["school"],
        name="Phần mềm trường",
        url=URL,
        events=["record.issued"],
    )
    world.endpoint, world.secret = endpoint, secret
    world.delivery = services.endpoint_send_test(actor=world.people["vanthu"], endpoint=endpoint)
    return world


def _pages(world: Any) -> list[str]:
    pk, delivery = world.endpoint.pk, world.delivery.pk
    return [
        reverse("webhooks:detail", args=[pk]),
        reverse("webhooks:edit", args=[pk]),
        reverse("webhooks:delivery", args=[delivery]),
        f"/api/v1/webhooks/endpoints/{pk}/",
        f"/api/v1/webhooks/endpoints/{pk}/deliveries/",
        f"/api/v1/webhooks/deliveries/{delivery}/",
    ]


def _posts(world: Any) -> list[str]:
    pk, delivery = world.endpoint.pk, world.delivery.pk
    return [
        reverse("webhooks:toggle", args=[pk]),
        reverse("webhooks:rotate", args=[pk]),
        reverse("webhooks:test", args=[pk]),
        reverse("webhooks:replay", args=[delivery]),
        reverse("webhooks:edit", args=[pk]),
        f"/api/v1/webhooks/endpoints/{pk}/test/",
        f"/api/v1/webhooks/endpoints/{pk}/rotate-secret/",
        f"/api/v1/webhooks/deliveries/{delivery}/replay/",
    ]


@pytest.mark.parametrize("who", ["vanthu", "hieutruong", "admin"])
def test_the_schools_managers_open_every_page(world: Any, who: str) -> None:
    client, api = login(world.people[who]), api_login(world.people[who])
    for url in _pages(world):
        if who == "admin" and not url.startswith("/api/"):
            continue  # a superuser's pages ask for a second factor first (hoso.accounts)
        answer = (api if url.startswith("/api/") else client).get(url)
        assert answer.status_code == 200, url
    if who == "admin":
        return
    listing = client.get(reverse("webhooks:list")).content.decode()
    assert "Phần mềm trường" in listing


@pytest.mark.parametrize(
    "who", ["thcs.hieutruong", "school2.hieutruong", "giaovien", "truongphong", "chuyenvien"]
)
def test_others_get_404_and_change_nothing(world: Any, who: str) -> None:
    client, api = login(world.people[who]), api_login(world.people[who])
    for url in _pages(world):
        answer = (api if url.startswith("/api/") else client).get(url)
        assert answer.status_code == 404, url
    before = (AuditEntry.objects.count(), Delivery.objects.count())
    for url in _posts(world):
        answer = (api if url.startswith("/api/") else client).post(url, {})
        assert answer.status_code == 404, url
    assert (AuditEntry.objects.count(), Delivery.objects.count()) == before
    world.endpoint.refresh_from_db()
    assert world.endpoint.is_active
    api_list = api.get("/api/v1/webhooks/endpoints/").json()
    assert world.endpoint.pk not in [row["id"] for row in api_list["results"]]


def test_a_teacher_has_no_webhook_pages(world: Any) -> None:
    client = login(world.people["giaovien"])
    assert client.get(reverse("webhooks:list")).status_code == 404
    assert client.get(reverse("webhooks:add")).status_code == 404


def test_the_secret_is_shown_once_then_only_its_start(world: Any) -> None:
    # Given the school's văn thư adds an endpoint through the page
    client = login(world.people["vanthu"])
    answer = client.post(
        reverse("webhooks:add"),
        {
            "unit": world.units["school"].pk,
            "name": "Kho lưu trữ",
            "url": URL + "/2",
            "events": ["record.issued", "hocba.issued"],
        },
    )
    assert answer.status_code == 200
    assert answer["Cache-Control"] == "no-store"
    html = answer.content.decode()
    endpoint = Endpoint.objects.get(name="Kho lưu trữ")
    assert endpoint.events == ["record.issued", "hocba.issued"]
    secret = html.split("<kbd>")[1].split("</kbd>")[0]
    assert secret.startswith("whsec_") and len(secret) > 40
    assert unseal(services.SECRET_PURPOSE, endpoint.secret_sealed) == secret
    # Then no later page, API answer or audit entry shows it
    detail = client.get(reverse("webhooks:detail", args=[endpoint.pk])).content.decode()
    assert secret not in detail and secret[:10] in detail
    api = api_login(world.people["vanthu"])
    assert secret not in api.get(f"/api/v1/webhooks/endpoints/{endpoint.pk}/").content.decode()
    assert secret not in api.get("/api/v1/webhooks/endpoints/").content.decode()
    logged = json.dumps(list(AuditEntry.objects.values("data", "object_repr")), default=str)
    assert secret not in logged and world.secret not in logged
    assert endpoint.secret_sealed.find(secret) == -1


def test_add_with_a_loopback_url_shows_the_reason_and_saves_nothing(world: Any) -> None:
    client = login(world.people["vanthu"])
    answer = client.post(
        reverse("webhooks:add"),
        {
            "unit": world.units["school"].pk,
            "name": "Nội bộ",
            "url": "https://127.0.0.1/x",
            "events": ["record.issued"],
        },
    )
    assert answer.status_code == 400
    assert "loopback" in answer.content.decode()
    assert Endpoint.objects.count() == 1


def test_a_school_cannot_add_for_another_unit(world: Any) -> None:
    client = login(world.people["vanthu"])
    answer = client.post(
        reverse("webhooks:add"),
        {"unit": world.units["thcs"].pk, "name": "X", "url": URL, "events": ["record.issued"]},
    )
    assert answer.status_code == 400
    api = api_login(world.people["vanthu"])
    body = {"unit": world.units["thcs"].pk, "name": "X", "url": URL, "events": ["record.issued"]}
    assert api.post("/api/v1/webhooks/endpoints/", body, format="json").status_code == 404
    assert Endpoint.objects.count() == 1


def test_the_phong_head_manages_the_phongs_endpoints_only(world: Any) -> None:
    api = api_login(world.people["truongphong"])
    body = {
        "unit": world.units["phong"].pk,
        "name": "Điều hành Phòng",
        "url": URL + "/phong",
        "events": ["report.submitted"],
    }
    created = api.post("/api/v1/webhooks/endpoints/", body, format="json")
    assert created.status_code == 201
    data = created.json()
    assert data["secret"].startswith(data["secret_hint"]) and data["events"] == body["events"]
    listed = api.get("/api/v1/webhooks/endpoints/").json()
    assert [row["id"] for row in listed["results"]] == [data["id"]]
    assert "secret" not in listed["results"][0]


def test_edit_disable_test_and_replay_from_the_pages(world: Any) -> None:
    client = login(world.people["hieutruong"])
    pk = world.endpoint.pk
    answer = client.post(
        reverse("webhooks:edit", args=[pk]),
        {"name": "Đổi tên", "url": URL + "/moi", "events": ["hocba.issued"], "is_active": ""},
    )
    assert answer.status_code == 302
    world.endpoint.refresh_from_db()
    assert (world.endpoint.name, world.endpoint.url, world.endpoint.events) == (
        "Đổi tên",
        URL + "/moi",
        ["hocba.issued"],
    )
    assert world.endpoint.is_active is False
    assert client.post(reverse("webhooks:toggle", args=[pk])).status_code == 302
    world.endpoint.refresh_from_db()
    assert world.endpoint.is_active is True
    tested = client.post(reverse("webhooks:test", args=[pk]))
    newest = Delivery.objects.order_by("-pk").first()
    assert newest is not None and tested.url == reverse("webhooks:delivery", args=[newest.pk])
    replayed = client.post(reverse("webhooks:replay", args=[world.delivery.pk]))
    again = Delivery.objects.order_by("-pk").first()
    assert again is not None and again.replay_of_id == world.delivery.pk
    assert replayed.url == reverse("webhooks:delivery", args=[again.pk])
    assert Delivery.objects.count() == 3
    actions = list(
        AuditEntry.objects.filter(action__startswith="webhooks.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "webhooks.endpoint.created",
        "webhooks.endpoint.tested",
        "webhooks.endpoint.updated",
        "webhooks.endpoint.enabled",
        "webhooks.endpoint.tested",
        "webhooks.delivery.replayed",
    ]


def test_edit_with_bad_input_changes_nothing(world: Any) -> None:
    client = login(world.people["hieutruong"])
    answer = client.post(
        reverse("webhooks:edit", args=[world.endpoint.pk]),
        {"name": "Đổi", "url": "https://169.254.169.254/", "events": ["hocba.issued"]},
    )
    assert answer.status_code == 400
    world.endpoint.refresh_from_db()
    assert (world.endpoint.name, world.endpoint.url) == ("Phần mềm trường", URL)
