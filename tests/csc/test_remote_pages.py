"""Remote signing through the pages and the API (issue 11, items 3, 7, 8): from "Chờ ký" the
principal starts ONE request for the chosen records (or every record waiting); the page says
"Đang chờ xác nhận trên điện thoại…" and polls; after the confirmation every record is signed.
Cancel while waiting; someone else's request is a 404.

Needs the demo province: th1's principal and văn thư sign the demo's records waiting for them, with
credentials issued by the demo CA (tests/csc/fixtures.py)."""

from __future__ import annotations

from typing import Any

import pytest

from hoso.signing.models import SignatureRecord
from hoso.signing.remote.models import RemoteRequest, RequestStatus
from tests.csc.fixtures import link_remote, records_waiting_for_principal

pytestmark = [pytest.mark.softhsm, pytest.mark.slow]


@pytest.fixture
def users(demo_user: Any) -> dict[str, Any]:
    return {n: demo_user(n) for n in ("th1.hieutruong", "th1.vanthu", "th1.giaovien1")}


def test_every_waiting_record_signed_with_one_confirmation_through_the_pages(
    csc: Any, users: dict[str, Any], client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    link_remote(csc, users["th1.hieutruong"])
    ids = records_waiting_for_principal(users, 3)
    principal = client_for("th1.hieutruong")
    queue = principal.get("/ky-so/cho-ky/").content.decode()
    assert 'data-testid="remote-all"' in queue
    started = principal.post("/ky-so/tu-xa/", {"all": "1"})
    assert started.status_code == 302
    remote = RemoteRequest.objects.get(user=users["th1.hieutruong"])
    assert started["Location"] == f"/ky-so/tu-xa/{remote.pk}/"
    assert remote.total >= 3  # every record waiting for the principal, in one request
    page = principal.get(started["Location"]).content.decode()
    assert "Đang chờ xác nhận trên điện thoại…" in page and "hx-trigger" in page
    assert not SignatureRecord.objects.filter(version__record_id__in=ids).exists()

    csc.approve(csc.last().authorization_id)  # the person confirms once on the phone
    with django_capture_on_commit_callbacks(execute=True):
        block = principal.get(f"/ky-so/tu-xa/{remote.pk}/trang-thai/").content.decode()
    remote.refresh_from_db()
    assert remote.status == RequestStatus.DONE and remote.done == remote.total
    assert SignatureRecord.objects.filter(version__record_id__in=ids).count() == 3
    page = principal.get(f"/ky-so/tu-xa/{remote.pk}/trang-thai/").content.decode()
    assert "Xong:" in page and "hx-trigger" not in page
    assert block  # the poll answered with the status block
    # someone else's request: hidden like a missing one
    assert client_for("th1.vanthu").get(f"/ky-so/tu-xa/{remote.pk}/").status_code == 404


def test_cancel_while_waiting_signs_nothing(
    csc: Any, users: dict[str, Any], client_for: Any
) -> None:
    link_remote(csc, users["th1.hieutruong"])
    ids = records_waiting_for_principal(users, 2)
    principal = client_for("th1.hieutruong")
    principal.post("/ky-so/tu-xa/", {"records": [str(i) for i in ids]})
    remote = RemoteRequest.objects.get(user=users["th1.hieutruong"])
    assert remote.total == 2
    principal.post(f"/ky-so/tu-xa/{remote.pk}/huy/")
    remote.refresh_from_db()
    assert remote.status == RequestStatus.CANCELLED
    page = principal.get(f"/ky-so/tu-xa/{remote.pk}/").content.decode()
    assert "Chưa có hồ sơ nào được ký" in page
    assert not SignatureRecord.objects.filter(version__record_id__in=ids).exists()


def test_no_linked_credential_gets_a_clear_message(users: dict[str, Any], client_for: Any) -> None:
    answer = client_for("th1.hieutruong").post("/ky-so/tu-xa/", {"all": "1"}, follow=True)
    assert "chưa liên kết chứng thư ký số từ xa" in answer.content.decode()
    assert not RemoteRequest.objects.filter(user=users["th1.hieutruong"]).exists()


def test_api_start_status_cancel(
    csc: Any, users: dict[str, Any], api_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    link_remote(csc, users["th1.hieutruong"])
    ids = records_waiting_for_principal(users, 2)
    api = api_for("th1.hieutruong")
    started = api.post("/api/v1/signing/remote/", {"records": ids}, format="json")
    assert started.status_code == 202, started.json()
    body = started.json()
    assert (body["status"], body["total"]) == ("waiting", 2)
    assert [i["record"] for i in body["items"]] == ids
    waiting = api.get(f"/api/v1/signing/remote/{body['id']}/").json()
    assert waiting["status"] == "waiting"
    assert api_for("th1.vanthu").get(f"/api/v1/signing/remote/{body['id']}/").status_code == 404
    csc.approve(csc.last().authorization_id)
    with django_capture_on_commit_callbacks(execute=True):
        api.get(f"/api/v1/signing/remote/{body['id']}/")
    done = api.get(f"/api/v1/signing/remote/{body['id']}/").json()
    assert (done["status"], done["done"]) == ("done", 2)
    # a second request, cancelled while waiting
    more = records_waiting_for_principal(users, 1)
    second = api.post("/api/v1/signing/remote/", {"records": more}, format="json").json()
    cancelled = api.post(f"/api/v1/signing/remote/{second['id']}/cancel/").json()
    assert cancelled["status"] == "cancelled"
    refused = api.post("/api/v1/signing/remote/", {"records": []}, format="json")
    assert refused.status_code == 400 and refused.json()["message"]
