"""The văn thư's seal through remote signing (ký số từ xa, issue 11): the school's organisation
certificate (con dấu số) lives at the provider, linked to the school; the văn thư seals the
records waiting at the seal step with ONE authorization for all of them, confirmed at the
provider, each record sealed in its own transaction and issued; pdfsig and pyHanko validate
the result. Refused, expired, provider down: nothing sealed, said in Vietnamese. Another
school's văn thư (or principal) cannot use the credential: 404, nothing changes. Over real
HTTP on loopback against tests/csc/service.py (keys in SoftHSM2).

Needs the demo province: th1's văn thư seals records the principal signed with the demo's server-
side key (tests/csc/fixtures.py), the school's seal issued by the demo CA; th2's principal is the
other school."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from hoso.audit.models import AuditEntry
from hoso.core.errors import DomainError, NotAllowed, NotFound
from hoso.org.models import Role, Unit
from hoso.records.models import Record, RecordState, RecordVersion, StepAction, Workflow
from hoso.signing.models import Backend, Certificate, CertKind, ExternalSession, SignatureRecord
from hoso.signing.remote.models import ItemStatus, RemoteCredential, RemoteRequest, RequestStatus
from hoso.signing.remote.services import requests as remote_requests
from hoso.signing.remote.services.links import credential_link, seal_credential_link
from hoso.signing.selectors import seal_queue
from tests.csc.fixtures import (
    configure_provider,
    demo_ca,
    link_school_seal,
    records_waiting_for_seal,
)
from tests.factories import UserFactory, grant

pytestmark = [pytest.mark.softhsm, pytest.mark.slow]

SEAL = "seal"


@pytest.fixture
def users(demo_user: Any) -> dict[str, Any]:
    names = ["th1.hieutruong", "th1.vanthu", "th1.giaovien1", "th2.hieutruong"]
    return {n: demo_user(n) for n in names}


@pytest.fixture
def th1() -> Unit:
    return Unit.objects.get(code="TH1")


@pytest.fixture
def th2_clerk() -> Any:
    """A văn thư of the other district's school (the demo has none)."""
    clerk = UserFactory(username="th2.vanthu", first_name="Văn thư", last_name="Kim Đồng")
    grant(clerk, Role.VT, Unit.objects.get(code="TH2"))
    return clerk


@pytest.fixture
def poll(django_capture_on_commit_callbacks: Any) -> Any:
    """remote_poll, running what it queues after commit (the run, inline as huey does)."""

    def run(**kwargs: Any) -> RemoteRequest:
        with django_capture_on_commit_callbacks(execute=True):
            request = remote_requests.remote_poll(**kwargs)
        request.refresh_from_db()
        return request

    return run


@pytest.fixture(scope="module")
def validator() -> Any:
    from hoso.signing import conf
    from hoso.signing.engine.validate import PdfValidator

    return PdfValidator(conf.trust_anchors(), other_certs=conf.intermediates())


def _signed_pdf(record_id: int) -> bytes:
    from hoso.signing.documents import read_blob

    version = RecordVersion.objects.filter(record_id=record_id).order_by("-number").first()
    assert version is not None
    return read_blob(version.signed_sha256)


def _calls(csc: Any, endpoint: str) -> int:
    return int(csc.calls.get(f"/csc/v2/{endpoint}", 0))


def _nothing_sealed(ids: list[int]) -> None:
    assert not SignatureRecord.objects.filter(version__record_id__in=ids, action=SEAL).exists()
    assert not ExternalSession.objects.filter(record_id__in=ids, completed_at__isnull=True).exists()
    waiting = Workflow.objects.filter(
        record_id__in=ids, is_open=True, pending_action=StepAction.SEAL
    )
    assert waiting.count() == len(ids)
    assert set(Record.objects.filter(pk__in=ids).values_list("state", flat=True)) != {
        RecordState.ISSUED
    }


def test_the_clerk_seals_three_records_with_one_confirmation(
    csc: Any, users: dict[str, Any], th1: Unit, validator: Any, poll: Any
) -> None:
    from hoso.signing.tests.helpers import assert_all_valid

    # given the school's con dấu số is linked at the provider and 3 records wait for the seal
    clerk = users["th1.vanthu"]
    world = link_school_seal(csc, clerk, th1)
    seal_cert = world.credential.certificate
    assert (seal_cert.kind, seal_cert.unit, seal_cert.backend) == (CertKind.SEAL, th1, "remote")
    assert seal_cert.common_name == th1.name
    demo_seal = Certificate.objects.filter(unit=th1, kind=CertKind.SEAL).exclude(pk=seal_cert.pk)
    assert seal_cert.image_sha256 == demo_seal.get().image_sha256 != ""  # the red seal image
    ids = records_waiting_for_seal(users, 3)
    authorize, sign_hash = _calls(csc, "credentials/authorize"), _calls(csc, "signatures/signHash")

    # when the văn thư asks to seal them remotely
    request = remote_requests.remote_start(actor=clerk, object_ids=ids, purpose=SEAL)

    # then ONE authorization for the 3 hashes waits at the provider, nothing sealed yet
    assert (request.status, request.purpose, request.total) == (RequestStatus.WAITING, SEAL, 3)
    assert len(csc.last().hashes) == 3
    assert _calls(csc, "credentials/authorize") == authorize + 1
    assert not SignatureRecord.objects.filter(version__record_id__in=ids, action=SEAL).exists()

    # when the school's confirmation is given at the provider and HoSo polls
    csc.approve(csc.last().authorization_id)
    request = poll(actor=clerk, request_id=request.pk)

    # then each record is sealed (one signHash) and issued, valid for pdfsig and pyHanko
    assert (request.status, request.done, request.failed) == (RequestStatus.DONE, 3, 0)
    assert _calls(csc, "signatures/signHash") == sign_hash + 1
    for record_id in ids:
        seal = SignatureRecord.objects.get(version__record_id=record_id, action=SEAL)
        assert (seal.signer, seal.certificate, seal.backend, seal.role) == (
            clerk,
            seal_cert,
            Backend.REMOTE,
            "VT",
        )
        assert Record.objects.get(pk=record_id).state == RecordState.ISSUED
        report = assert_all_valid(_signed_pdf(record_id), validator, 2)  # principal + seal
        assert report.signatures[-1].signer_name == th1.name
    started = AuditEntry.objects.get(action="signing.remote.started", object_id=str(request.pk))
    assert (started.unit_id, started.payload["purpose"], started.payload["objects"]) == (
        th1.pk,
        SEAL,
        ids,
    )
    sealed = AuditEntry.objects.filter(action="signing.version.sealed", actor=clerk)
    assert sorted(e.payload["record"] for e in sealed if e.payload["record"] in ids) == ids


def test_refused_or_expired_at_the_provider_seals_nothing(
    csc: Any, users: dict[str, Any], th1: Unit
) -> None:
    clerk = users["th1.vanthu"]
    link_school_seal(csc, clerk, th1)
    ids = records_waiting_for_seal(users, 3)

    refused = remote_requests.remote_start(actor=clerk, object_ids=ids, purpose=SEAL)
    csc.refuse(csc.last().authorization_id)
    refused = remote_requests.remote_poll(actor=clerk, request_id=refused.pk)
    assert refused.status == RequestStatus.REFUSED
    assert refused.message == (
        "Yêu cầu đóng dấu đã bị từ chối ở nhà cung cấp. Chưa có hồ sơ nào được đóng dấu."
    )
    assert set(refused.items.values_list("status", flat=True)) == {ItemStatus.FAILED}
    _nothing_sealed(ids)

    csc.confirm = "expire"  # the provider lets the authorization lapse
    expired = remote_requests.remote_start(actor=clerk, object_ids=ids, purpose=SEAL)
    expired = remote_requests.remote_poll(actor=clerk, request_id=expired.pk)
    assert (expired.status, expired.message) == (
        RequestStatus.EXPIRED,
        str(remote_requests.SEAL_EXPIRED),
    )
    assert expired.message.startswith("Hết thời gian chờ xác nhận đóng dấu")
    _nothing_sealed(ids)

    csc.confirm, csc.down = "phone", True
    with pytest.raises(DomainError) as err:
        remote_requests.remote_start(actor=clerk, object_ids=ids, purpose=SEAL)
    assert "Không liên lạc được nhà cung cấp ký số từ xa" in err.value.message
    assert RemoteRequest.objects.filter(user=clerk).count() == 2  # the two ended above
    _nothing_sealed(ids)


def test_another_schools_clerk_cannot_use_this_schools_seal(
    csc: Any,
    users: dict[str, Any],
    th1: Unit,
    th2_clerk: Any,
    api_for: Any,
    settings: Any,
) -> None:
    settings.HOSO_2FA_REQUIRED_ROLES = []  # the factory clerk has no second factor
    world = link_school_seal(csc, users["th1.vanthu"], th1)
    ids = records_waiting_for_seal(users, 2)
    authorize = _calls(csc, "credentials/authorize")
    outsiders = [th2_clerk, users["th2.hieutruong"], users["th1.giaovien1"]]
    for outsider in outsiders:
        with pytest.raises(NotFound):
            remote_requests.remote_start(
                actor=outsider, object_ids=ids, purpose=SEAL, credential_id=world.credential.pk
            )
    # through the page and the API too: 404, like a missing credential
    page = Client()
    page.force_login(th2_clerk)
    answer = page.post(
        "/ky-so/tu-xa/",
        {"purpose": SEAL, "credential": str(world.credential.pk), "records": [str(i) for i in ids]},
    )
    assert answer.status_code == 404
    api = api_for("th2.hieutruong").post(
        "/api/v1/signing/remote/",
        {"records": ids, "purpose": SEAL, "credential": world.credential.pk},
        format="json",
    )
    assert api.status_code == 404 and api.json()["code"] == "not_found"
    # without naming it, they have no seal credential of their own
    with pytest.raises(DomainError) as err:
        remote_requests.remote_start(actor=th2_clerk, object_ids=ids, purpose=SEAL)
    assert err.value.message == str(remote_requests.NO_SEAL_CREDENTIAL)
    # nothing changed: no request, the provider never asked, nothing sealed
    assert not RemoteRequest.objects.filter(user__in=outsiders).exists()
    assert _calls(csc, "credentials/authorize") == authorize
    _nothing_sealed(ids)


def test_only_the_schools_seal_managers_link_an_organisation_certificate(
    csc: Any, users: dict[str, Any], th1: Unit
) -> None:
    provider = configure_provider(csc)
    ca = demo_ca()
    csc.enrol(ca, th1.name, "mst-th1-org", organisation=th1.name)
    # a principal's own certificate (CN = the person, O = the school) is not the school's
    csc.enrol(ca, "Nguyễn Văn Thêm", "cccd-ht-th1", organisation=th1.name)
    with pytest.raises(DomainError) as err:
        seal_credential_link(
            actor=users["th1.vanthu"], provider=provider, unit=th1, user_ref="cccd-ht-th1"
        )
    assert "không phải chứng thư tổ chức của Trường Tiểu học Nguyễn Du" in err.value.message
    for outsider in (users["th1.giaovien1"], users["th2.hieutruong"]):
        with pytest.raises(NotAllowed):
            seal_credential_link(
                actor=outsider, provider=provider, unit=th1, user_ref="mst-th1-org"
            )
    assert not RemoteCredential.objects.filter(unit=th1).exists()
    assert not Certificate.objects.filter(unit=th1, backend=Backend.REMOTE).exists()

    link = seal_credential_link(
        actor=users["th1.hieutruong"], provider=provider, unit=th1, user_ref="mst-th1-org"
    )
    assert (link.unit, link.owner, link.certificate.unit) == (th1, None, th1)
    entry = AuditEntry.objects.get(action="signing.remote.seal_linked")
    assert (entry.unit_id, entry.payload["certificate"]) == (th1.pk, link.certificate.serial)
    # the school's credential cannot then be taken as someone's personal one
    with pytest.raises(DomainError, match="con dấu số của một trường"):
        credential_link(actor=users["th1.giaovien1"], provider=provider, user_ref="mst-th1-org")
    assert RemoteCredential.objects.get(pk=link.pk).unit == th1


def test_the_clerk_seals_from_the_pages(
    csc: Any,
    users: dict[str, Any],
    th1: Unit,
    client_for: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    provider = configure_provider(csc)
    csc.enrol(demo_ca(), th1.name, "mst-th1-trang", organisation=th1.name)
    clerk = client_for("th1.vanthu")
    page = clerk.get("/ky-so/chung-thu/").content.decode()
    assert 'data-testid="remote-seal-link-form"' in page
    linked = clerk.post(
        "/ky-so/tu-xa/lien-ket-con-dau/",
        {"provider": str(provider.pk), "unit": str(th1.pk), "user_ref": "mst-th1-trang"},
        follow=True,
    )
    assert "Đã liên kết con dấu số" in " ".join(str(m) for m in linked.context["messages"])
    assert 'data-testid="remote-seal-links"' in linked.content.decode()

    ids = records_waiting_for_seal(users, 3)
    waiting_in_queue = seal_queue(users["th1.vanthu"]).count()  # the demo's own, and these 3
    assert waiting_in_queue >= 3
    queue = clerk.get("/ky-so/cho-dong-dau/").content.decode()
    assert 'data-testid="remote-seal-all"' in queue
    assert "Đóng dấu từ xa các hồ sơ đã chọn" in queue
    started = clerk.post("/ky-so/tu-xa/", {"purpose": SEAL, "all": "1"})
    remote = RemoteRequest.objects.get(user=users["th1.vanthu"])
    assert started["Location"] == f"/ky-so/tu-xa/{remote.pk}/"
    assert (remote.purpose, remote.total) == (SEAL, waiting_in_queue)
    assert set(ids) <= set(remote.items.values_list("object_id", flat=True))
    waiting = clerk.get(started["Location"]).content.decode()
    assert "Đang chờ xác nhận đóng dấu ở nhà cung cấp…" in waiting and "hx-trigger" in waiting

    csc.approve(csc.last().authorization_id)
    with django_capture_on_commit_callbacks(execute=True):
        clerk.get(f"/ky-so/tu-xa/{remote.pk}/trang-thai/")
    done = clerk.get(f"/ky-so/tu-xa/{remote.pk}/trang-thai/").content.decode()
    assert "Xong:" in done and "hx-trigger" not in done
    assert f"đã đóng dấu {waiting_in_queue}/{waiting_in_queue}" in done
    assert SignatureRecord.objects.filter(version__record_id__in=ids, action=SEAL).count() == 3
    assert client_for("th1.hieutruong").get(f"/ky-so/tu-xa/{remote.pk}/").status_code == 404
