"""The Sở's remote-signing settings through the pages, against the CSC service of tests/csc
over real HTTP: the Sở adds its provider (the secret is sealed and never shown back), "Kiểm tra
kết nối" logs in and says plainly when the provider refuses the client, bad settings change
nothing; a teacher links their credential from the certificates page; a school cannot reach
the settings.

Needs the demo province: the settings are the demo's first Sở's (tests/csc/fixtures.py), taken as
so.chuyenvien; th1.giaovien1 links a credential issued by the demo CA."""

from __future__ import annotations

from typing import Any

import pytest

from hoso.audit.models import AuditEntry
from hoso.signing.models import Backend
from hoso.signing.remote import vault
from hoso.signing.remote.models import RemoteCredential, RemoteProvider
from tests.csc.fixtures import CLIENT_ID, CLIENT_SECRET

pytestmark = [pytest.mark.softhsm, pytest.mark.slow]

PAGE = "/ky-so/tu-xa/nha-cung-cap/"


def _fields(csc: Any, secret: str, **extra: str) -> dict[str, str]:
    return {
        "name": "Dịch vụ ký số từ xa của tỉnh",
        "kind": "csc",
        "base_url": csc.base_url,
        "token_url": "",
        "client_id": CLIENT_ID,
        "client_secret": secret,
        "timeout_seconds": "120",
        **extra,
    }


def _messages(answer: Any) -> str:
    return " ".join(str(m) for m in answer.context["messages"])


def test_the_so_configures_its_provider_and_checks_the_connection(
    csc: Any, client_for: Any
) -> None:
    so = client_for("so.chuyenvien")
    assert "Nhà cung cấp ký số từ xa" in so.get(PAGE).content.decode()
    bad = so.post(PAGE, _fields(csc, "x", name="", base_url="ftp://nowhere", client_id=""))
    assert bad.status_code == 400
    assert "Hãy nhập tên nhà cung cấp" in bad.content.decode()
    assert not RemoteProvider.objects.exists()

    created = so.post(PAGE, _fields(csc, "sai-mat-khau"))
    provider = RemoteProvider.objects.get()
    assert created["Location"] == f"{PAGE}{provider.pk}/"
    page = so.get(created["Location"]).content.decode()
    assert "sai-mat-khau" not in page and provider.client_secret_enc not in page
    assert vault.unseal(provider.client_secret_enc) == "sai-mat-khau"
    refused = so.post(created["Location"], {"ping": "1"}, follow=True)
    assert "từ chối tài khoản kết nối" in _messages(refused)

    so.post(created["Location"], _fields(csc, CLIENT_SECRET, is_active="1"))
    ok = so.post(created["Location"], {"ping": "1"}, follow=True)
    assert "Kết nối tới «Dịch vụ ký số từ xa của tỉnh» thành công" in _messages(ok)
    so.post(created["Location"], _fields(csc, "", name="Ký số từ xa", is_active="1"))
    provider.refresh_from_db()
    assert provider.name == "Ký số từ xa" and provider.timeout_seconds == 120
    assert vault.unseal(provider.client_secret_enc) == CLIENT_SECRET  # empty keeps it
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert actions.count("signing.remote.provider_configured") == 1
    assert actions.count("signing.remote.provider_changed") == 2

    csc.down = True
    down = so.post(created["Location"], {"ping": "1"}, follow=True)
    assert "Không liên lạc được nhà cung cấp" in _messages(down)


def test_a_school_cannot_reach_the_providers(csc: Any, client_for: Any) -> None:
    client_for("so.chuyenvien").post(PAGE, _fields(csc, CLIENT_SECRET))
    provider = RemoteProvider.objects.get()
    for name in ("th1.hieutruong", "th1.giaovien1", "phong1.chuyenvien"):
        assert client_for(name).get(PAGE).status_code == 404, name
        assert client_for(name).get(f"{PAGE}{provider.pk}/").status_code == 404, name
        answer = client_for(name).post(f"{PAGE}{provider.pk}/", _fields(csc, "doi-mat-khau"))
        assert answer.status_code == 404, name
    provider.refresh_from_db()
    assert vault.unseal(provider.client_secret_enc) == CLIENT_SECRET


def test_a_teacher_links_their_credential_from_the_certificates_page(
    csc: Any, demo_user: Any, client_for: Any
) -> None:
    from hoso.signing import conf
    from hoso.signing.demo import load_ca

    client_for("so.chuyenvien").post(PAGE, _fields(csc, CLIENT_SECRET))
    teacher = demo_user("th1.giaovien1")
    csc.enrol(load_ca(conf.pki_dir()), teacher.get_full_name(), "cccd-0123")
    own = client_for("th1.giaovien1")
    page = own.get("/ky-so/chung-thu/").content.decode()
    assert 'data-testid="remote-link-form"' in page

    wrong = own.post(
        "/ky-so/tu-xa/lien-ket/",
        {"provider": str(RemoteProvider.objects.get().pk), "user_ref": "khong-co"},
        follow=True,
    )
    assert "không có chứng thư này" in _messages(wrong)
    assert not RemoteCredential.objects.exists()

    linked = own.post(
        "/ky-so/tu-xa/lien-ket/",
        {"provider": str(RemoteProvider.objects.get().pk), "user_ref": "cccd-0123"},
        follow=True,
    )
    assert "Đã liên kết chứng thư" in _messages(linked)
    link = RemoteCredential.objects.get()
    assert link.owner == teacher and link.certificate.backend == Backend.REMOTE
    assert 'data-testid="remote-links"' in linked.content.decode()
