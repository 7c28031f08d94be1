"""Học bạ: every signature verified before it is issued (tampered files refused, the principal
sees why), background batches for a class (lập, ký), corrections as new signed versions.

Needs the demo province: its full PKI (the demo certificates registered to the signers and the
school's seal), the học bạ it issued and the drafts its batches made."""

from __future__ import annotations

import hashlib
import io

import pytest

from hoso.audit.models import AuditEntry
from hoso.core.errors import Conflict, DomainError, NotAllowed
from hoso.grading.hocba.selectors import read_blob
from hoso.grading.hocba.services.batches import (
    _one,
    hocba_batch_create,
    hocba_batch_run,
    hocba_batch_sign,
)
from hoso.grading.hocba.services.versions import hocba_correct, hocba_create, hocba_sign
from hoso.grading.hocba.verify import SignaturesInvalid, verify_version
from hoso.grading.models import (
    Entry,
    HocBaBatch,
    HocBaBatchItemStatus,
    HocBaSignature,
    HocBaStatus,
    HocBaVersion,
)
from hoso.grading.tests.conftest import first_student, gvcn_of
from hoso.grading.tests.test_outputs_hocba import _complete_year, _signer, pki, pki_files
from hoso.storage import blob_store

pytestmark = pytest.mark.django_db
PASSWORD = "hoso-demo-2025"
__all__ = ["pki", "pki_files"]  # fixtures shared with test_outputs_hocba


def _ht_signed(unit, demo_user, pki, index=3):
    lop = unit("th1.1A")
    pupil = first_student(lop, index)
    _complete_year(lop, pupil)
    gvcn, ht = gvcn_of(lop), demo_user("th1.hieutruong")
    version = hocba_create(actor=gvcn, school_class=lop, student=pupil)
    hocba_sign(actor=gvcn, version=version, signer=_signer(pki, "gvcn"))
    return hocba_sign(actor=ht, version=version, signer=_signer(pki, "ht"))


def _overwrite_blob(sha: str, data: bytes) -> None:
    """What an attacker with access to the disk would do: change the stored file in place."""
    path = blob_store().path_for(sha)
    path.chmod(0o644)
    path.write_bytes(data)


def _info_update(pdf: bytes) -> bytes:
    """An incremental update that only rewrites /Info: PDF validators accept it."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    info = generic.DictionaryObject({generic.NameObject("/Title"): generic.TextStringObject("Sửa")})
    writer.set_info(writer.add_object(info))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _sign(user, version, seal=False):
    """The next step with the person's (or the school's) registered demo certificate."""
    from hoso.signing.models import CertKind
    from hoso.signing.services.signers import signer_close, signer_for

    kind = CertKind.SEAL if seal else CertKind.PERSONAL
    unit = version.school_class.school if seal else None
    handle = signer_for(actor=user, kind=kind, unit=unit, passphrase=PASSWORD)
    try:
        return hocba_sign(actor=user, version=version, signer=handle.signer)
    finally:
        signer_close(handle)


def _started() -> int:
    return AuditEntry.objects.filter(action="grading.hocba.batch.started").count()


def _assert_not_issued(version: HocBaVersion, sha_before: str) -> None:
    version.refresh_from_db()
    assert (version.status, version.pdf_sha256) == (HocBaStatus.HT_SIGNED, sha_before)
    assert not HocBaSignature.objects.filter(version=version, step="seal").exists()


def test_seal_refused_when_signed_bytes_were_changed(unit, demo_user, pki, client_for):
    version = _ht_signed(unit, demo_user, pki)
    sha = version.pdf_sha256
    pdf = bytearray(read_blob(sha))
    pdf[200:204] = bytes(b ^ 0x20 for b in pdf[200:204])  # inside what both signatures cover
    _overwrite_blob(sha, bytes(pdf))
    with pytest.raises(SignaturesInvalid, match="không khớp mã SHA-256") as caught:
        hocba_sign(actor=demo_user("th1.vanthu"), version=version, signer=_signer(pki, "seal"))
    assert any("KHÔNG HỢP LỆ" in p or "Không đọc được" in p for p in caught.value.problems)
    _assert_not_issued(version, sha)
    # The principal sees why, in Vietnamese; the parent sees nothing (not issued).
    page = client_for("th1.hieutruong").get(f"/so-diem/hoc-ba/{version.pk}/").content.decode()
    assert "Chữ ký không hợp lệ" in page and "không khớp mã SHA-256" in page
    assert (
        client_for("th1.hieutruong").get(f"/so-diem/hoc-ba/{version.pk}/hoc-ba.pdf").status_code
        == 409
    )


def test_seal_refused_after_an_info_only_update_the_validator_accepts(unit, demo_user, pki):
    version = _ht_signed(unit, demo_user, pki)
    sha = version.pdf_sha256
    tampered = _info_update(read_blob(sha))
    _overwrite_blob(sha, tampered)
    checked = verify_version(version)
    assert not checked.ok
    assert checked.problems[0].startswith("tệp học bạ trong kho không khớp mã SHA-256")
    with pytest.raises(SignaturesInvalid, match="Không thể ký tiếp"):
        hocba_sign(actor=demo_user("th1.vanthu"), version=version, signer=_signer(pki, "seal"))
    _assert_not_issued(version, sha)


def test_a_seal_key_not_registered_to_the_school_is_refused(unit, demo_user, pki, tmp_path):
    """A seal from a CA outside the trust list, never registered: refused before signing."""
    from hoso.signing.engine import pki as demo_pki
    from hoso.signing.engine.signers import Pkcs12Signer

    version = _ht_signed(unit, demo_user, pki)
    sha = version.pdf_sha256
    rogue = demo_pki.create_demo_ca(tmp_path / "rogue")
    p12 = demo_pki.export_pkcs12(demo_pki.issue_seal_cert(rogue, "Trường giả"), rogue, "pw")
    with pytest.raises(NotAllowed, match="không phải chứng thư con dấu đã đăng ký"):
        hocba_sign(actor=demo_user("th1.vanthu"), version=version, signer=Pkcs12Signer(p12, "pw"))
    _assert_not_issued(version, sha)


def test_issued_hocba_verifies_and_page_says_so(client_for):
    version = HocBaVersion.objects.get(status=HocBaStatus.ISSUED, number=1)  # the demo's
    assert verify_version(version).ok
    page = client_for("th1.hieutruong").get(f"/so-diem/hoc-ba/{version.pk}/").content.decode()
    assert "Mọi chữ ký trên học bạ đều hợp lệ" in page
    parent = client_for("ph.hs1").get(f"/so-diem/hoc-ba/{version.pk}/").content.decode()
    assert "Mọi chữ ký trên học bạ" not in parent and "Học bạ" in parent  # panel: school only


def test_correction_is_a_new_signed_version_and_the_old_stays_read_only(unit, demo_user):
    """Through the registered demo certificates (signer_for), as the web pages do."""
    old = HocBaVersion.objects.select_related("student", "school_class").get(
        status=HocBaStatus.ISSUED, number=1
    )
    old_pdf, old_bytes = old.pdf_sha256, read_blob(old.pdf_sha256)
    gvcn = gvcn_of(old.school_class)
    Entry.objects.filter(student=old.student, area="toan", slot="cuoi_nam.diem").update(value="8")
    new = hocba_correct(actor=gvcn, version=old, reason="Phúc khảo môn Toán")
    with pytest.raises(Conflict, match="chỉ đọc"):
        _sign(gvcn, old)
    new = _sign(gvcn, new)
    new = _sign(demo_user("th1.hieutruong"), new)
    new = _sign(demo_user("th1.vanthu"), new, seal=True)
    old.refresh_from_db()
    assert (old.status, new.status) == (HocBaStatus.SUPERSEDED, HocBaStatus.ISSUED)
    assert old.pdf_sha256 == old_pdf and read_blob(old_pdf) == old_bytes
    assert [s.step for s in old.signatures.all()] == ["gvcn", "ht", "seal"]
    assert verify_version(old).ok and verify_version(new).ok
    with pytest.raises(Conflict):
        hocba_correct(actor=gvcn, version=old, reason="Sửa bản cũ")
    with pytest.raises(Conflict, match="chỉ đọc"):
        _sign(gvcn, new)


def test_class_batch_creates_in_background_with_progress(
    client_for, unit, monkeypatch, django_capture_on_commit_callbacks
):
    from hoso.grading.hocba.services import versions

    lop = unit("th1.1B")
    pupils = [first_student(lop, i) for i in range(4)]
    broken = pupils[2]
    real = versions.hoc_ba_data

    def fail_for_one(school_class, student):
        if student.pk == broken.pk:
            raise DomainError("Lỗi dựng học bạ (kiểm thử).")
        return real(school_class, student)

    monkeypatch.setattr(versions, "hoc_ba_data", fail_for_one)
    client = client_for("th1.giaovien2")  # GVCN of 1B
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/so-diem/lop/{lop.pk}/hoc-ba/")
    batch = HocBaBatch.objects.filter(school_class=lop).latest("pk")
    assert response["Location"] == f"/so-diem/hoc-ba/lo/{batch.pk}/"
    assert (batch.status, batch.total, batch.done, batch.failed) == ("done", 23, 22, 1)
    # The demo made 1B's first draft; the broken pupil has nothing at all, not half a học bạ.
    assert not HocBaVersion.objects.filter(student=broken).exists()
    assert HocBaVersion.objects.filter(school_class=lop).count() == 23
    item = batch.items.get(student=broken)
    assert (item.status, item.message) == (
        HocBaBatchItemStatus.FAILED,
        "Lỗi dựng học bạ (kiểm thử).",
    )
    progress = client.get(f"/so-diem/hoc-ba/lo/{batch.pk}/tien-do/").content.decode()
    assert "đã xử lý 22/23, lỗi 1" in progress and "Lỗi dựng học bạ" in progress
    assert "hx-get" not in progress  # finished: polling stops
    assert client_for("th1.giaovien1").get(f"/so-diem/hoc-ba/lo/{batch.pk}/").status_code == 404
    # Idempotent: running it again changes nothing.
    hocba_batch_run(batch_id=batch.pk)
    assert HocBaVersion.objects.filter(school_class=lop).count() == 23
    # The next batch takes only the pupil left out.
    monkeypatch.setattr(versions, "hoc_ba_data", real)
    again = hocba_batch_create(actor=gvcn_of(lop), school_class=lop)
    assert [i.student_id for i in again.items.all()] == [broken.pk]


def test_batch_run_is_idempotent_when_the_queue_repeats_a_task(unit):
    lop = unit("th1.5A")
    batch = hocba_batch_create(actor=gvcn_of(lop), school_class=lop)  # not run: no on_commit
    assert batch.status == "queued"
    hocba_batch_run(batch_id=batch.pk)
    count = HocBaVersion.objects.filter(school_class=lop).count()
    HocBaBatch.objects.filter(pk=batch.pk).update(status="running")  # a worker died mid-way
    hocba_batch_run(batch_id=batch.pk)
    assert HocBaVersion.objects.filter(school_class=lop).count() == count == batch.total
    # A second worker holding a stale copy of an item that the first one finished: skipped.
    stale = batch.items.order_by("id").first()
    stale.status = HocBaBatchItemStatus.PENDING  # what that worker read before
    _one(
        batch,
        stale,
        lambda: hocba_create(actor=batch.user, school_class=lop, student=stale.student),
    )
    batch.refresh_from_db()
    assert (batch.done, batch.failed) == (count, 0)
    assert batch.items.get(pk=stale.pk).status == HocBaBatchItemStatus.DONE
    assert HocBaVersion.objects.filter(school_class=lop).count() == count


def test_batch_signing_gvcn_ht_seal(
    unit, demo_user, client_for, django_capture_on_commit_callbacks
):
    lop = unit("th1.1A")
    pupils = [first_student(lop, i) for i in (3, 4)]
    gvcn = gvcn_of(lop)
    for pupil in pupils:
        _complete_year(lop, pupil)
        hocba_create(actor=gvcn, school_class=lop, student=pupil)
    incomplete = hocba_create(actor=gvcn, school_class=lop, student=first_student(lop, 5))
    batches, started = HocBaBatch.objects.count(), _started()
    with pytest.raises(DomainError, match="không đúng"):
        hocba_batch_sign(actor=gvcn, school_class=lop, passphrase="sai")
    assert (HocBaBatch.objects.count(), _started()) == (batches, started)
    for username, status in (
        (gvcn.username, HocBaStatus.GVCN_SIGNED),
        ("th1.hieutruong", HocBaStatus.HT_SIGNED),
        ("th1.vanthu", HocBaStatus.ISSUED),
    ):
        client = client_for(username)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/so-diem/lop/{lop.pk}/hoc-ba/ky/", {"passphrase": PASSWORD})
        batch = HocBaBatch.objects.filter(kind="sign", user__username=username).latest("pk")
        assert response["Location"] == f"/so-diem/hoc-ba/lo/{batch.pk}/", username
        assert (batch.done, batch.failed, batch.secret) == (2, 0, "")
        states = set(
            HocBaVersion.objects.filter(student__in=pupils, number=1).values_list(
                "status", flat=True
            )
        )
        assert states == {status}, username
    incomplete.refresh_from_db()
    assert incomplete.status == HocBaStatus.DRAFT  # missing data: never in a signing batch
    for version in HocBaVersion.objects.filter(student__in=pupils):
        assert verify_version(version).ok
        assert hashlib.sha256(read_blob(version.pdf_sha256)).hexdigest() == version.pdf_sha256
    assert _started() == started + 3
    nothing = client_for("th1.vanthu").post(
        f"/so-diem/lop/{lop.pk}/hoc-ba/ky/", {"passphrase": PASSWORD}, follow=True
    )
    assert "Không có học bạ nào của lớp đang chờ bạn ký" in nothing.content.decode()


def test_a_batch_whose_worker_died_is_resumed_by_the_recovery_sweep(unit):
    """The worker takes the task off the queue before running it: killed mid-batch, the batch
    stays "running" with no task anywhere. The sweep queues it again once it has been silent
    for the given minutes, and leaves alone a batch whose worker is still making progress."""
    import datetime as dt

    from django.utils import timezone

    from hoso.grading.hocba.services.batches import hocba_batches_stuck
    from hoso.ops.recovery import jobs_recover

    lop, busy_class = unit("th1.5A"), unit("thcs1.8A")
    lost = hocba_batch_create(actor=gvcn_of(lop), school_class=lop)  # task lost: no on_commit
    busy = hocba_batch_create(actor=gvcn_of(busy_class), school_class=busy_class)
    past = timezone.now() - dt.timedelta(minutes=30)
    HocBaBatch.objects.filter(pk=lost.pk).update(status="running", created_at=past)
    HocBaBatch.objects.filter(pk=busy.pk).update(
        status="running", created_at=past, heartbeat_at=timezone.now()
    )
    assert hocba_batches_stuck(10) == [lost.pk]

    assert jobs_recover(older_than_minutes=10)["grading.hocba.batch.run"] == 1

    lost.refresh_from_db()
    assert (lost.status, lost.done, lost.failed) == ("done", lost.total, 0)
    assert HocBaVersion.objects.filter(school_class=lop).count() == lost.total
    assert HocBaBatch.objects.get(pk=busy.pk).status == "running"
    assert lost.heartbeat_at is not None and lost.heartbeat_at > past
