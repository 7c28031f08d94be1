"""Keys stay with their owners (issue 11, item 4): unless the Sở allows it, no personal private
key is kept on the server (no registration of a personal PKCS#12 or server-token key, no
signing with one); certificates alone register as before; the school's seal may stay
server-side. A refusal changes nothing."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.conf import settings as django_settings

from hoso.core.errors import NotAllowed
from hoso.records.models import Record
from hoso.records.services.signing import version_sign
from hoso.records.services.workflow import record_submit
from hoso.records.tests.helpers import upload
from hoso.signing import conf
from hoso.signing.demo import load_ca
from hoso.signing.engine import pki
from hoso.signing.models import Certificate, SignatureRecord
from hoso.signing.services.certificates import KEYS_STAY_WITH_OWNERS
from tests.factories import World, api_login, signing_world

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world() -> World:
    """A primary school whose people hold demo certificates (their keys on the server)."""
    return signing_world("ko")


@pytest.fixture
def keys_off(settings: Any) -> None:
    settings.HOSO_SIGNING_PERSONAL_KEYS_ON_SERVER = False


def _p12(name: str) -> bytes:
    ca = load_ca(conf.pki_dir())
    return pki.export_pkcs12(pki.issue_person_cert(ca, name), ca, "mk")


def _key_files() -> set[str]:
    return {str(p) for p in (conf.pki_dir() / "keys").glob("*")}


def test_a_personal_pkcs12_for_the_server_is_refused_and_nothing_is_stored(
    keys_off: None, world: World
) -> None:
    before, files = Certificate.objects.count(), _key_files()
    response = api_login(world.people["giaovien"]).post(
        "/api/v1/signing/certificates/",
        {"file": io.BytesIO(_p12("Lê Thị Hoa")), "passphrase": "mk", "backend": "pkcs12"},
        format="multipart",
    )
    assert response.status_code == 403
    assert response.json()["message"] == KEYS_STAY_WITH_OWNERS
    assert (Certificate.objects.count(), _key_files()) == (before, files)
    # The same certificate, for the USB token (the key stays on the token): registered.
    kept = api_login(world.people["giaovien"]).post(
        "/api/v1/signing/certificates/",
        {"file": io.BytesIO(_p12("Lê Thị Hoa")), "passphrase": "mk", "backend": "external"},
        format="multipart",
    )
    assert kept.status_code == 201, kept.json()
    assert _key_files() == files


def test_a_school_seal_may_stay_on_the_server(keys_off: None, world: World) -> None:
    ca = load_ca(conf.pki_dir())
    school = world.units["school"]
    p12 = pki.export_pkcs12(pki.issue_seal_cert(ca, school.name), ca, "mk")
    response = api_login(world.people["hieutruong"]).post(
        "/api/v1/signing/certificates/",
        {"file": io.BytesIO(p12), "passphrase": "mk", "backend": "pkcs12", "unit": school.pk},
        format="multipart",
    )
    assert response.status_code == 201, response.json()


def test_signing_with_a_personal_key_left_on_the_server_is_refused(
    keys_off: None, world: World
) -> None:
    teacher = world.people["giaovien2"]
    record_id = upload(teacher, period="W34").record_id
    record_submit(actor=teacher, record_id=record_id)  # the author's step is open
    with pytest.raises(NotAllowed) as refused:
        version_sign(actor=teacher, record_id=record_id, passphrase=django_settings.DEMO_PASSWORD)
    assert refused.value.message == KEYS_STAY_WITH_OWNERS
    assert not SignatureRecord.objects.filter(version__record_id=record_id).exists()
    assert Record.objects.get(pk=record_id).versions.get().signed_sha256 == ""
