"""Fixtures of remote signing: the CSC service of tests/csc (SoftHSM2 keys, real HTTP on
127.0.0.1), a Sở provider configured against it, and a person's credential linked."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.csc.service import CscService, SoftHsmKeys
from tests.softhsm import softhsm_available

CLIENT_ID = "hoso-so-demo"
CLIENT_SECRET = "bí-mật-của-Sở-" + "x" * 8


@pytest.fixture(scope="session")
def csc_service() -> Iterator[CscService]:
    if not softhsm_available():
        pytest.skip("SoftHSM2 not installed (Debian: softhsm2)")
    keys = SoftHsmKeys()
    service = CscService(keys, client_id=CLIENT_ID, client_secret=CLIENT_SECRET).start()
    yield service
    service.stop()
    keys.close()


@pytest.fixture
def csc(csc_service: CscService) -> Iterator[CscService]:
    """The session's service, its knobs reset for each test."""
    csc_service.delay, csc_service.confirm, csc_service.down = 0.0, "phone", False
    csc_service.auto_approve_after, csc_service.authorization_ttl = None, 300.0
    yield csc_service
    csc_service.down = False


@dataclass
class RemoteWorld:
    user: Any
    provider: Any
    credential: Any
    service: CscService


def link_remote(service: CscService, user: Any, *, timeout: int = 300) -> RemoteWorld:
    """The Sở configures the provider; the provider issues `user` a certificate from the demo
    CA (key generated in SoftHSM2); the person links it in HoSo."""
    from hoso.org.models import Unit, UnitKind
    from hoso.signing import conf
    from hoso.signing.demo import load_ca
    from hoso.signing.remote.services.links import credential_link, provider_configure

    ca = load_ca(conf.pki_dir())
    service.enrol(ca, user.first_name or user.username, user.username)
    so = Unit.objects.filter(kind=UnitKind.SO).order_by("id").first()
    provider = provider_configure(
        actor=None,
        unit=so,
        name="Dịch vụ ký số từ xa (thử nghiệm CSC)",
        base_url=service.base_url,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        timeout_seconds=timeout,
    )
    credential = credential_link(actor=user, provider=provider, user_ref=user.username)
    return RemoteWorld(user, provider, credential, service)


def records_waiting_for_principal(users: dict[str, Any], count: int) -> list[int]:
    """`count` records of th1 whose next step is the principal's personal signature."""
    from hoso.records.models import RecordType
    from hoso.records.pdfmaker import simple_pdf
    from hoso.records.services import versions as services
    from hoso.records.services import workflow

    kind = RecordType.objects.get(code="VP.BCDV")  # each upload its own document
    ids = []
    for n in range(count):
        pdf = simple_pdf(f"{kind.name} số {n + 1}", ["Nội dung theo mẫu.", "HIỆU TRƯỞNG"])
        version = services.record_upload(
            actor=users["th1.vanthu"],
            record_type=kind,
            upload=services.Upload(io.BytesIO(pdf), f"bao-cao-{n + 1}.pdf"),
            title=f"Báo cáo gửi Phòng GDĐT số {n + 1}",
        )
        workflow.record_submit(actor=users["th1.vanthu"], record_id=version.record_id)
        ids.append(version.record_id)
    return ids
