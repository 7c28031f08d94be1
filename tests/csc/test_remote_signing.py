"""Remote signing (ký số từ xa) end to end over HTTP on loopback: OAuth2, credentials/list and
info, ONE credentials/authorize for many hashes, the confirmation on the "phone",
authorizeCheck, ONE signatures/signHash, embedding, then pdfsig + pyHanko validation. And
the bad paths: refused, expired, provider down, someone else's request — nothing half-signed.

Needs the demo province: th1's principal and teacher sign with credentials issued by the demo CA,
the provider configured for the demo's first Sở (tests/csc/fixtures.py)."""

from __future__ import annotations

import pytest

from hoso.core.errors import Conflict, DomainError, NotFound
from hoso.records.models import Record, RecordVersion
from hoso.signing.models import Backend, ExternalSession, SignatureRecord
from hoso.signing.remote.models import ItemStatus, RemoteRequest, RequestStatus
from hoso.signing.remote.services import requests as remote_requests
from tests.csc.fixtures import link_remote, records_waiting_for_principal

pytestmark = [pytest.mark.softhsm, pytest.mark.slow]


@pytest.fixture
def users(demo_user):
    names = ["th1.hieutruong", "th1.vanthu", "th1.giaovien1"]
    return {n: demo_user(n) for n in names}


@pytest.fixture
def poll(django_capture_on_commit_callbacks):
    """remote_poll, running what it queues after commit (the run, inline as huey does in tests)."""

    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            request = remote_requests.remote_poll(**kwargs)
        request.refresh_from_db()
        return request

    return run


@pytest.fixture(scope="module")
def validator():
    from hoso.signing import conf
    from hoso.signing.engine.validate import PdfValidator

    return PdfValidator(conf.trust_anchors(), other_certs=conf.intermediates())


def _signed_pdf(record_id: int) -> bytes:
    from hoso.signing.documents import read_blob

    version = RecordVersion.objects.filter(record_id=record_id).order_by("-number").first()
    return read_blob(version.signed_sha256)


def test_one_confirmation_signs_many_documents(csc, users, validator, poll):
    from hoso.signing.tests.helpers import assert_all_valid

    # given the principal linked a remote credential and 5 records wait for the signature
    world = link_remote(csc, users["th1.hieutruong"])
    assert world.credential.certificate.backend == Backend.REMOTE
    ids = records_waiting_for_principal(users, 5)
    calls_before = dict(csc.calls)
    # when the principal asks to sign them remotely
    request = remote_requests.remote_start(actor=world.user, object_ids=ids)
    # then ONE authorization for 5 hashes waits on the phone, nothing signed yet
    assert request.status == RequestStatus.WAITING and request.total == 5
    pending = csc.last()
    assert len(pending.hashes) == 5
    assert remote_requests.remote_poll(actor=world.user, request_id=request.pk).status == "waiting"
    assert not SignatureRecord.objects.filter(version__record_id__in=ids).exists()
    # when the person confirms on the phone and HoSo polls
    csc.approve(pending.authorization_id)
    request = poll(actor=world.user, request_id=request.pk)
    # then every document is signed (one signHash call) and valid for pdfsig and pyHanko
    assert (request.status, request.done, request.failed) == (RequestStatus.DONE, 5, 0)
    sign_calls = csc.calls.get("/csc/v2/signatures/signHash", 0)
    assert sign_calls - calls_before.get("/csc/v2/signatures/signHash", 0) == 1
    assert (
        csc.calls["/csc/v2/credentials/authorize"]
        - calls_before.get("/csc/v2/credentials/authorize", 0)
        == 1
    )
    for record_id in ids:
        sig = SignatureRecord.objects.get(version__record_id=record_id)
        assert (sig.signer, sig.backend, sig.certificate) == (
            world.user,
            Backend.REMOTE,
            world.credential.certificate,
        )
        assert_all_valid(_signed_pdf(record_id), validator, 1)
    assert not ExternalSession.objects.filter(completed_at__isnull=True, user=world.user).exists()


def _nothing_signed(ids):
    assert not SignatureRecord.objects.filter(version__record_id__in=ids).exists()
    assert not ExternalSession.objects.filter(record_id__in=ids, completed_at__isnull=True).exists()
    assert all(
        r.state == "submitted" or r.state != "issued" for r in Record.objects.filter(pk__in=ids)
    )


def test_refused_on_the_phone_signs_nothing(csc, users):
    world = link_remote(csc, users["th1.hieutruong"])
    ids = records_waiting_for_principal(users, 3)
    request = remote_requests.remote_start(actor=world.user, object_ids=ids)
    csc.refuse(csc.last().authorization_id)
    request = remote_requests.remote_poll(actor=world.user, request_id=request.pk)
    assert request.status == RequestStatus.REFUSED
    assert request.message == remote_requests.REFUSED
    assert set(request.items.values_list("status", flat=True)) == {ItemStatus.FAILED}
    _nothing_signed(ids)
    # and the records can be signed again at once
    again = remote_requests.remote_start(actor=world.user, object_ids=ids)
    assert again.status == RequestStatus.WAITING


def test_provider_expiry_and_own_timeout(csc, users):
    world = link_remote(csc, users["th1.hieutruong"])
    ids = records_waiting_for_principal(users, 2)
    csc.confirm = "expire"  # the provider lets the authorization lapse
    request = remote_requests.remote_start(actor=world.user, object_ids=ids)
    request = remote_requests.remote_poll(actor=world.user, request_id=request.pk)
    assert (request.status, request.message) == (RequestStatus.EXPIRED, remote_requests.EXPIRED)
    _nothing_signed(ids)
    # HoSo's own timeout: nobody confirms in time
    csc.confirm = "phone"
    request = remote_requests.remote_start(actor=world.user, object_ids=ids)
    RemoteRequest.objects.filter(pk=request.pk).update(expires_at=request.created_at)
    assert remote_requests.remote_expire_due() == 1
    request.refresh_from_db()
    assert request.status == RequestStatus.EXPIRED
    _nothing_signed(ids)


def test_provider_down_at_start_leaves_nothing(csc, users):
    world = link_remote(csc, users["th1.hieutruong"])
    ids = records_waiting_for_principal(users, 2)
    csc.down = True
    with pytest.raises(DomainError) as err:
        remote_requests.remote_start(actor=world.user, object_ids=ids)
    assert "Không liên lạc được nhà cung cấp ký số từ xa" in err.value.message
    assert not RemoteRequest.objects.filter(user=world.user).exists()
    _nothing_signed(ids)


def test_provider_down_while_waiting_then_back(csc, users, poll):
    world = link_remote(csc, users["th1.hieutruong"])
    ids = records_waiting_for_principal(users, 2)
    request = remote_requests.remote_start(actor=world.user, object_ids=ids)
    csc.down = True
    request = remote_requests.remote_poll(actor=world.user, request_id=request.pk)
    assert (request.status, request.message) == (RequestStatus.WAITING, remote_requests.STILL_DOWN)
    csc.down = False
    csc.approve(csc.last().authorization_id)
    request = poll(actor=world.user, request_id=request.pk)
    assert (request.status, request.done) == (RequestStatus.DONE, 2)


def test_provider_down_at_signhash_signs_nothing(csc, users, django_capture_on_commit_callbacks):
    world = link_remote(csc, users["th1.hieutruong"])
    ids = records_waiting_for_principal(users, 2)
    csc.confirm = "sync"  # approved at once (a synchronous provider): the run is queued
    original = csc._sign_hash
    csc._sign_hash = lambda req: (503, {"error": "temporarily_unavailable"})
    try:
        with django_capture_on_commit_callbacks(execute=True):
            request = remote_requests.remote_start(actor=world.user, object_ids=ids)
    finally:
        csc._sign_hash = original
    request.refresh_from_db()
    assert request.status == RequestStatus.FAILED
    assert "Không liên lạc được nhà cung cấp ký số từ xa" in request.message
    _nothing_signed(ids)


def test_someone_else_cannot_poll_or_cancel(csc, users):
    world = link_remote(csc, users["th1.hieutruong"])
    ids = records_waiting_for_principal(users, 1)
    request = remote_requests.remote_start(actor=world.user, object_ids=ids)
    for call in (remote_requests.remote_poll, remote_requests.remote_cancel):
        with pytest.raises(NotFound):
            call(actor=users["th1.giaovien1"], request_id=request.pk)
    assert RemoteRequest.objects.get(pk=request.pk).status == RequestStatus.WAITING
    # the person cancels: nothing signed, a second request may start
    cancelled = remote_requests.remote_cancel(actor=world.user, request_id=request.pk)
    assert cancelled.status == RequestStatus.CANCELLED
    _nothing_signed(ids)


def test_one_waiting_request_at_a_time_and_no_credential(csc, users):
    world = link_remote(csc, users["th1.hieutruong"])
    ids = records_waiting_for_principal(users, 2)
    remote_requests.remote_start(actor=world.user, object_ids=ids[:1])
    with pytest.raises(Conflict):
        remote_requests.remote_start(actor=world.user, object_ids=ids[1:])
    with pytest.raises(DomainError) as err:
        remote_requests.remote_start(actor=users["th1.giaovien1"], object_ids=ids)
    assert err.value.message == remote_requests.NO_CREDENTIAL


def test_a_confirmed_request_whose_worker_died_is_finished_by_the_recovery_sweep(csc, users):
    """The run after the confirmation is a queued task; a worker killed before or while running
    it left the request "signing" for ever. The sweep runs it again."""
    import datetime as dt

    from django.utils import timezone

    from hoso.ops.recovery import jobs_recover

    world = link_remote(csc, users["th1.hieutruong"])
    ids = records_waiting_for_principal(users, 2)
    request = remote_requests.remote_start(actor=world.user, object_ids=ids)
    csc.approve(csc.last().authorization_id)
    # its task is lost: no commit
    remote_requests.remote_poll(actor=world.user, request_id=request.pk)
    request.refresh_from_db()
    assert request.status == RequestStatus.SIGNING
    assert jobs_recover(older_than_minutes=10)["signing.remote.run"] == 0  # not silent yet
    RemoteRequest.objects.filter(pk=request.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=30)
    )

    assert jobs_recover(older_than_minutes=10)["signing.remote.run"] == 1

    request.refresh_from_db()
    assert (request.status, request.done, request.failed) == (RequestStatus.DONE, 2, 0)
    assert SignatureRecord.objects.filter(version__record_id__in=ids).count() == 2
    assert set(request.items.values_list("status", flat=True)) == {ItemStatus.DONE}
