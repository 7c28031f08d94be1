"""The Sở's remote-signing providers through the API (issue 11): the settings page as REST,
against the CSC service of tests/csc over real HTTP. The secret is write-only (never in an
answer; empty keeps it), "test" logs in afresh and says in Vietnamese when the provider refuses
the client or cannot be reached, bad settings are a Vietnamese 400 that stores nothing, another
Sở (or a school) gets 404 and changes nothing, and every change is audited like the page's.

Needs the demo province: the provider is configured for the demo's first Sở (tests/csc/fixtures.py),
so.chuyenvien calls the API and the service's certificates come from the demo CA."""

from __future__ import annotations

from typing import Any

import pytest

from hoso.audit.models import AuditEntry
from hoso.org.models import Role, UnitKind
from hoso.signing.remote import vault
from hoso.signing.remote.models import RemoteProvider
from tests.csc.fixtures import CLIENT_ID, CLIENT_SECRET
from tests.factories import UnitFactory, UserFactory, grant

pytestmark = [pytest.mark.softhsm, pytest.mark.slow]

LIST = "/api/v1/signing/remote/providers/"


def _body(csc: Any, secret: str = CLIENT_SECRET, **extra: Any) -> dict[str, Any]:
    return {
        "name": "Dịch vụ ký số từ xa của tỉnh",
        "kind": "csc",
        "base_url": csc.base_url,
        "client_id": CLIENT_ID,
        "client_secret": secret,
        "timeout_seconds": 120,
        **extra,
    }


@pytest.fixture
def other_so_specialist() -> Any:
    """A chuyên viên of another Sở (the demo has one Sở)."""
    other = UnitFactory(code="SO-KHAC", name="Sở GDĐT tỉnh khác", kind=UnitKind.SO)
    person = UserFactory(username="sokhac.chuyenvien")
    grant(person, Role.CV_SO, other)
    return person


def _audit(action: str) -> int:
    return AuditEntry.objects.filter(action=action).count()


def test_the_so_manages_its_providers_through_the_api(csc: Any, api_for: Any) -> None:
    so = api_for("so.chuyenvien")
    assert so.get(LIST).json() == []

    # bad settings: a Vietnamese 400 per field, nothing stored
    bad = so.post(LIST, _body(csc, name="", base_url="ftp://x", client_id=""), format="json")
    assert bad.status_code == 400
    body = bad.json()
    assert body["message"] == "Cấu hình nhà cung cấp chưa hợp lệ: hãy sửa các ô được đánh dấu."
    assert body["fields"]["base_url"] == [
        "Địa chỉ phải bắt đầu bằng https:// (hoặc http:// trong mạng nội bộ)."
    ]
    assert body["fields"]["name"] == ["Hãy nhập tên nhà cung cấp."]
    shape = so.post(LIST, _body(csc, timeout_seconds="mười"), format="json")
    assert shape.status_code == 400
    assert shape.json()["fields"]["timeout_seconds"] == ["Thời gian chờ phải là số giây (30–600)."]
    assert not RemoteProvider.objects.exists()

    # created with a wrong secret: never shown back
    created = so.post(LIST, _body(csc, "sai-mat-khau"), format="json")
    assert created.status_code == 201, created.json()
    provider = RemoteProvider.objects.get()
    out = created.json()
    assert out["id"] == provider.pk and out["has_secret"] is True
    assert "client_secret" not in out and "client_secret_enc" not in out
    for answer in (created, so.get(LIST), so.get(f"{LIST}{provider.pk}/")):
        text = answer.content.decode()
        assert "sai-mat-khau" not in text and provider.client_secret_enc not in text
    assert _audit("signing.remote.provider_configured") == 1

    # "test": the provider refuses the client, then accepts the right secret
    refused = so.post(f"{LIST}{provider.pk}/test/").json()
    assert refused["ok"] is False and "từ chối tài khoản kết nối" in refused["message"]
    changed = so.patch(f"{LIST}{provider.pk}/", {"client_secret": CLIENT_SECRET}, format="json")
    assert changed.status_code == 200 and CLIENT_SECRET not in changed.content.decode()
    ok = so.post(f"{LIST}{provider.pk}/test/").json()
    assert ok == {"ok": True, "message": "Kết nối tới «Dịch vụ ký số từ xa của tỉnh» thành công."}

    # a change without the secret (or an empty one) keeps it; off and on again
    renamed = so.patch(
        f"{LIST}{provider.pk}/", {"name": "Ký số từ xa", "client_secret": ""}, format="json"
    )
    assert renamed.json()["name"] == "Ký số từ xa" and renamed.json()["timeout_seconds"] == 120
    off = so.patch(f"{LIST}{provider.pk}/", {"is_active": False}, format="json").json()
    assert off["is_active"] is False
    provider.refresh_from_db()
    assert (provider.name, provider.is_active) == ("Ký số từ xa", False)
    assert vault.unseal(provider.client_secret_enc) == CLIENT_SECRET
    assert _audit("signing.remote.provider_changed") == 3
    bad_url = so.patch(f"{LIST}{provider.pk}/", {"base_url": "khong-phai-dia-chi"}, format="json")
    assert bad_url.status_code == 400 and "base_url" in bad_url.json()["fields"]
    provider.refresh_from_db()
    assert provider.base_url == csc.base_url

    csc.down = True
    down = so.post(f"{LIST}{provider.pk}/test/").json()
    assert down["ok"] is False and "Không liên lạc được nhà cung cấp" in down["message"]


def test_another_so_or_a_school_gets_404_and_changes_nothing(
    csc: Any, api_for: Any, other_so_specialist: Any
) -> None:
    so = api_for("so.chuyenvien")
    provider_id = so.post(LIST, _body(csc), format="json").json()["id"]
    before = (_audit("signing.remote.provider_changed"), RemoteProvider.objects.count())

    other = api_for("sokhac.chuyenvien")
    assert other.get(LIST).json() == []  # their own Sở has none
    assert other.get(f"{LIST}{provider_id}/").status_code == 404
    patch = other.patch(f"{LIST}{provider_id}/", {"client_secret": "cuop"}, format="json")
    assert patch.status_code == 404
    assert patch.json()["message"] == "Không tìm thấy hoặc bạn không có quyền xem mục này."
    assert other.post(f"{LIST}{provider_id}/test/").status_code == 404
    demo_so = RemoteProvider.objects.get(pk=provider_id).unit_id
    into_demo_so = other.post(LIST, _body(csc, unit=demo_so), format="json")
    assert into_demo_so.status_code == 404

    for name in ("th1.hieutruong", "phong1.chuyenvien"):
        school = api_for(name)
        assert school.get(LIST).status_code == 404, name
        assert school.get(f"{LIST}{provider_id}/").status_code == 404, name
        assert school.post(LIST, _body(csc), format="json").status_code == 404, name
    assert so.get(f"{LIST}{2**63}/").status_code == 404

    provider = RemoteProvider.objects.get(pk=provider_id)
    assert vault.unseal(provider.client_secret_enc) == CLIENT_SECRET
    assert (_audit("signing.remote.provider_changed"), RemoteProvider.objects.count()) == before
