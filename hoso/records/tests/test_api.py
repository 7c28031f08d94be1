"""The API of issue 3 item 10, over the same services and policy as the pages."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.conf import settings

from hoso.records.models import Record
from hoso.records.tests.helpers import javascript_pdf, pdf
from tests.factories import World, api_login, due_items, province_world, with_certificates

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world() -> World:
    """The school's Tổ 1 (giaovien, and giaovien2 and the tổ trưởng with certificates), its
    principal, and the principal of another Phòng's school."""
    return with_certificates(province_world("api"), ["giaovien2", "totruong"])


def api_for(world: World, key: str) -> Any:
    return api_login(world.people[key])


def _file(data: bytes, name: str) -> io.BytesIO:
    stream = io.BytesIO(data)
    stream.name = name
    return stream


def test_record_types_list_the_catalogue(world: World) -> None:
    data = api_for(world, "giaovien").get("/api/v1/record-types/?page_size=100").json()
    assert data["count"] >= 45
    first = next(t for t in data["results"] if t["code"] == "TT28.KHBD")
    assert first["signing_chain"] == [
        {"role": "AUTHOR", "action": "sign"},
        {"role": "TTCM", "action": "approve_sign"},
    ]


def test_create_submit_approve_through_the_api(world: World) -> None:
    teacher = api_for(world, "giaovien2")
    created = teacher.post(
        "/api/v1/records/",
        {
            "file": _file(pdf(), "tuan22.pdf"),
            "record_type": "TT28.KHBD",
            "title": "KHBD tuần 22",
            "period": "W22",
        },
        format="multipart",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["title"], body["state"], body["period_key"]) == ("KHBD tuần 22", "draft", "W22")
    assert body["versions"][0]["number"] == 1
    pk = body["id"]
    file = teacher.get(f"/api/v1/records/{pk}/versions/1/file")
    assert file.status_code == 200
    assert b"".join(file.streaming_content).startswith(b"%PDF")
    assert teacher.get(f"/api/v1/records/{pk}/versions/1/pdf").status_code == 200
    wrong = teacher.post(f"/api/v1/records/{pk}/sign-and-submit/", {"passphrase": "sai"})
    assert wrong.status_code >= 400 and wrong.json()["message"]
    assert teacher.get(f"/api/v1/records/{pk}/").json()["state"] == "draft"  # nothing moved
    signed = teacher.post(
        f"/api/v1/records/{pk}/sign-and-submit/", {"passphrase": settings.DEMO_PASSWORD}
    )
    assert signed.json()["state"] == "submitted", signed.json()
    leader = api_for(world, "totruong")
    refused = leader.post(f"/api/v1/records/{pk}/return/", {"comment": ""}, format="json")
    assert refused.status_code == 400
    assert refused.json()["message"] == "Hãy ghi góp ý khi trả lại hồ sơ."
    outsider = api_for(world, "giaovien").post(f"/api/v1/records/{pk}/approve/")
    assert outsider.status_code == 404  # not even visible
    approving_alone = leader.post(f"/api/v1/records/{pk}/approve/", {"comment": "Tốt"})
    assert approving_alone.status_code == 409  # the chain asks for ký duyệt: a signature
    approved = leader.post(
        f"/api/v1/records/{pk}/sign/", {"passphrase": settings.DEMO_PASSWORD}, format="json"
    )
    assert approved.status_code == 201, approved.json()
    assert teacher.get(f"/api/v1/records/{pk}/").json()["state"] == "issued"
    assert [
        v["number"] for v in teacher.get(f"/api/v1/records/{pk}/versions/").json()["results"]
    ] == [1]


def test_an_unsafe_upload_is_a_422_with_a_vietnamese_message(world: World) -> None:
    before = Record.objects.count()
    response = api_for(world, "giaovien2").post(
        "/api/v1/records/",
        {"file": _file(javascript_pdf(), "x.pdf"), "record_type": "TT28.KHBD", "period": "W23"},
        format="multipart",
    )
    assert response.status_code == 422
    assert response.json()["code"].startswith("file.") or response.json()["code"].startswith("pdf.")
    assert "JavaScript" in response.json()["message"]
    assert Record.objects.count() == before


def test_due_items_of_the_caller_and_of_a_unit(world: World) -> None:
    due_items(world)
    mine = (
        api_for(world, "giaovien2").get("/api/v1/due-items/?from=01/09/2025&to=30/09/2025").json()
    )
    assert {i["period_key"] for i in mine["results"] if i["record_type"] == "TT28.KHBD"} == {
        "W01",
        "W02",
        "W03",
        "W04",
        "W05",
    }
    school = world.units["school"]
    assert (
        api_for(world, "school2.hieutruong").get(f"/api/v1/due-items/?unit={school.pk}").status_code
        == 404
    )
    leader = (
        api_for(world, "hieutruong")
        .get(f"/api/v1/due-items/?unit={school.pk}&from=08/09/2025&to=08/09/2025")
        .json()
    )
    assert leader["count"] == 4  # the week-2 lesson plan of each of the school's 4 teachers


def test_the_openapi_schema_documents_the_records_api(world: World) -> None:
    response = api_for(world, "giaovien").get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    paths = (
        response.json()["paths"] if response["Content-Type"].startswith("application/json") else {}
    )
    if not paths:
        import yaml

        paths = yaml.safe_load(response.content)["paths"]
    for path in [
        "/api/v1/record-types/",
        "/api/v1/records/",
        "/api/v1/records/{id}/",
        "/api/v1/records/{id}/versions/",
        "/api/v1/records/{id}/versions/{number}/file",
        "/api/v1/records/{id}/versions/{number}/pdf",
        "/api/v1/records/{id}/submit/",
        "/api/v1/records/{id}/approve/",
        "/api/v1/records/{id}/return/",
        "/api/v1/due-items/",
        "/api/v1/completion/",
    ]:
        assert path in paths, path
