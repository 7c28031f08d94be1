"""The signing policy as a matrix: every role × every signing action × whose certificate,
batch, provider or request it is.

Expectations are written by hand from docs/signing.md ("seal managers (HT, VT of the school),
own batches"; keys stay with their owners) and the docstrings of hoso/signing/policies.py and
hoso/signing/remote/policies.py (a remote request is its starter's alone; a Sở's leaders and
specialists, and the administrator, configure providers; a provider serves the people of the
units below the unit that configured it), never computed. Where an action has a list scope,
`visible` must agree with `can`. The actors and places are a province_world's (the school,
a THCS school of the same Phòng, a school of the second Phòng, the two Phòng and the Sở).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from hoso.org.models import Unit
from hoso.policy.tests.matrix import assert_row
from hoso.signing.models import Certificate, SignBatch
from hoso.signing.remote.models import RemoteCredential, RemoteProvider, RemoteRequest
from tests.factories import World, province_world

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]

COVERED = {
    "signing.certificate.manage",
    "signing.seal.manage",
    "signing.batch.view",
    "signing_remote.provider.manage",
    "signing_remote.provider.use",
    "signing_remote.request.view",
    "signing_remote.seal.use",
}

# role → the province_world's person holding it (the school's people, the offices')
ACTORS = {
    "GV": "giaovien",
    "TTCM": "totruong",
    "PHT": "phohieutruong",
    "HT": "hieutruong",
    "VT": "vanthu",
    "TV": "thuthu",
    "CV_PHONG": "chuyenvien",
    "CV_SO": "so",
    "QTHT": "admin",
}
T, F = True, False

# Certificates: the actor's own, giaovien2's own, the seals of the school, the THCS school and
# the second Phòng's school. A personal
# certificate is its owner's alone — the administrator included; a seal: the HT or VT of the
# school, the administrator.
CERTIFICATE_MANAGE = {
    "GV": (T, F, F, F, F),
    "TTCM": (T, F, F, F, F),
    "PHT": (T, F, F, F, F),
    "HT": (T, F, T, F, F),
    "VT": (T, F, T, F, F),
    "TV": (T, F, F, F, F),
    "CV_PHONG": (T, F, F, F, F),
    "CV_SO": (T, F, F, F, F),
    "QTHT": (T, F, T, T, T),
}
# Register or retire a school's seal: the school, the THCS school, the second Phòng's school.
SEAL_MANAGE = dict.fromkeys(ACTORS, (F, F, F)) | {
    "HT": (T, F, F),
    "VT": (T, F, F),
    "QTHT": (T, T, T),
}
# Batches: the actor's own, giaovien2's, the principal's. Own batches only.
BATCH_VIEW = dict.fromkeys(ACTORS, (T, F, F))
# Configure providers of the Sở, Phòng 1, the school.
PROVIDER_MANAGE = dict.fromkeys(ACTORS, (F, F, F)) | {
    "CV_SO": (T, F, F),
    "QTHT": (T, T, T),
}
# Use providers configured by: the Sở (active), Phòng 1 (active), Phòng 2 (active), Phòng 1
# (inactive). People of the school are below the Sở and Phòng 1; the Phòng 1 specialist too;
# the Sở's people (the administrator included) only below the Sở's own provider.
SCHOOL_USE = (T, T, F, F)
PROVIDER_USE = dict.fromkeys(ACTORS, SCHOOL_USE) | {
    "CV_SO": (T, F, F, F),
    "QTHT": (T, F, F, F),
}
# Remote requests: the actor's own, giaovien2's. The starter's alone.
REQUEST_VIEW = dict.fromkeys(ACTORS, (T, F))


@pytest.fixture
def world() -> World:
    return province_world("mx")


def _user(world: World, key: str) -> Any:
    return world.people[key]


def _unit(world: World, key: str) -> Any:
    return world.units[key]


def _certificate(n, *, owner=None, unit=None):
    now = timezone.now()
    return Certificate.objects.create(
        kind="personal" if owner is not None else "seal",
        owner=owner,
        unit=unit,
        pem="-",
        subject=f"CN=Ma trận {n}",
        common_name=f"Ma trận {n}",
        issuer="CN=Ma trận",
        serial=str(9000 + n),
        not_before=now - timedelta(days=1),
        not_after=now + timedelta(days=365),
        fingerprint=f"{n:064x}",
        backend="pkcs12",
        registered_at=now,
    )


def _certificates(world, actor):
    return [
        _certificate(1, owner=actor),
        _certificate(2, owner=_user(world, "giaovien2")),
        *(_certificate(3 + i, unit=_unit(world, key)) for i, key in enumerate(SCHOOLS)),
    ]


SCHOOLS = ("school", "thcs", "school2")


@pytest.mark.parametrize("role", ACTORS)
def test_certificates_and_seals(world, role):
    user = _user(world, ACTORS[role])
    certificates = _certificates(world, user)
    assert_row(
        user, "signing.certificate.manage", certificates, CERTIFICATE_MANAGE[role], Certificate
    )
    schools = [_unit(world, key) for key in SCHOOLS]
    assert_row(user, "signing.seal.manage", schools, SEAL_MANAGE[role])


@pytest.mark.parametrize("role", ACTORS)
def test_batches(world, role):
    user = _user(world, ACTORS[role])
    owners = [user, _user(world, "giaovien2"), _user(world, "hieutruong")]
    if role == "HT":
        owners[2] = _user(world, "thcs.hieutruong")  # another principal's batch
    batches = [
        SignBatch.objects.create(
            user=owner,
            certificate=_certificate(20 + n, owner=owner),
            status="queued",
            created_at=timezone.now(),
        )
        for n, owner in enumerate(owners)
    ]
    assert_row(user, "signing.batch.view", batches, BATCH_VIEW[role], SignBatch)


def _provider(world, key, n, *, active=True):
    return RemoteProvider.objects.create(
        unit=_unit(world, key),
        name=f"Ma trận {n}",
        base_url="https://csc.example.invalid/",
        client_id=f"mx{n}",
        is_active=active,
    )


@pytest.mark.parametrize("role", ACTORS)
def test_remote_providers_and_requests(world, role):
    user = _user(world, ACTORS[role])
    places = [_unit(world, key) for key in ("so", "phong", "school")]
    assert_row(user, "signing_remote.provider.manage", places, PROVIDER_MANAGE[role], Unit)
    providers = [
        _provider(world, "so", 1),
        _provider(world, "phong", 2),
        _provider(world, "phong2", 3),
        _provider(world, "phong", 4, active=False),
    ]
    assert_row(user, "signing_remote.provider.use", providers, PROVIDER_USE[role], RemoteProvider)
    requests = []
    for n, owner in enumerate([user, _user(world, "giaovien2")]):
        credential = RemoteCredential.objects.create(
            provider=providers[0],
            owner=owner,
            user_ref=f"u{n}",
            credential_ref=f"c{n}",
            certificate=_certificate(40 + n, owner=owner),
            linked_at=timezone.now(),
        )
        requests.append(
            RemoteRequest.objects.create(
                user=owner,
                credential=credential,
                source="records",
                status="pending",
                created_at=timezone.now(),
                expires_at=timezone.now() + timedelta(minutes=5),
            )
        )
    assert_row(user, "signing_remote.request.view", requests, REQUEST_VIEW[role], RemoteRequest)


# The schools' seal credentials at a provider (SCHOOLS) and a person's credential: only
# the HT or VT of that school (the seal managers, docs/signing.md "Remote seal"), and the
# administrator, may seal with a school's; nobody seals with a person's.
SEAL_USE = dict.fromkeys(ACTORS, (F, F, F, F)) | {
    "HT": (T, F, F, F),
    "VT": (T, F, F, F),
    "QTHT": (T, T, T, F),
}


@pytest.mark.parametrize("role", ACTORS)
def test_remote_seal_credentials(world, role):
    user = _user(world, ACTORS[role])
    provider = _provider(world, "so", 5)
    holders = [{"unit": _unit(world, key)} for key in SCHOOLS]
    holders.append({"owner": _user(world, "hieutruong")})
    credentials = [
        RemoteCredential.objects.create(
            provider=provider,
            user_ref=f"s{n}",
            credential_ref=f"seal{n}",
            certificate=_certificate(60 + n, **holder),
            linked_at=timezone.now(),
            **holder,
        )
        for n, holder in enumerate(holders)
    ]
    assert_row(user, "signing_remote.seal.use", credentials, SEAL_USE[role], RemoteCredential)
