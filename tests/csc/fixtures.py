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


def configure_provider(service: CscService, *, timeout: int = 300) -> Any:
    """The (first) Sở of the demo configures the stand-in service as its provider."""
    from hoso.org.models import Unit, UnitKind
    from hoso.signing.remote.services.links import provider_configure

    so = Unit.objects.filter(kind=UnitKind.SO).order_by("id").first()
    return provider_configure(
        actor=None,
        unit=so,
        name="Dịch vụ ký số từ xa (thử nghiệm CSC)",
        base_url=service.base_url,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        timeout_seconds=timeout,
    )


def demo_ca() -> Any:
    from hoso.signing import conf
    from hoso.signing.demo import load_ca

    return load_ca(conf.pki_dir())


def link_remote(service: CscService, user: Any, *, timeout: int = 300) -> RemoteWorld:
    """The Sở configures the provider; the provider issues `user` a certificate from the demo
    CA (key generated in SoftHSM2); the person links it in HoSo."""
    from hoso.signing.remote.services.links import credential_link

    service.enrol(demo_ca(), user.first_name or user.username, user.username)
    provider = configure_provider(service, timeout=timeout)
    credential = credential_link(actor=user, provider=provider, user_ref=user.username)
    return RemoteWorld(user, provider, credential, service)


def link_school_seal(service: CscService, actor: Any, school: Any) -> RemoteWorld:
    """The Sở configures the provider; the provider issues the school an organisation
    certificate (CN = O = the school's name, key in SoftHSM2) under the account
    `mst-<code>`; `actor` (its văn thư or principal) links it as the school's con dấu số."""
    from hoso.signing.remote.services.links import seal_credential_link

    account = f"mst-{school.code.lower()}"
    service.enrol(demo_ca(), school.name, account, organisation=school.name)
    provider = configure_provider(service)
    credential = seal_credential_link(actor=actor, provider=provider, unit=school, user_ref=account)
    return RemoteWorld(actor, provider, credential, service)


def records_waiting_for_seal(users: dict[str, Any], count: int) -> list[int]:
    """`count` records of th1 signed by the principal (server-side demo key), waiting for the
    văn thư's seal (chain of VP.BCDV: HT signs, VT seals)."""
    from django.conf import settings

    from hoso.records.services.signing import version_sign

    ids = records_waiting_for_principal(users, count)
    for record_id in ids:
        version_sign(
            actor=users["th1.hieutruong"], record_id=record_id, passphrase=settings.DEMO_PASSWORD
        )
    return ids


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
