"""Học bạ for a whole class in the background queue: lập (draft for every pupil without one)
and ký (the next step of the chain — GVCN, HT or the school seal — for every học bạ waiting for
the caller). Each pupil's học bạ is made or signed completely or not at all (one transaction
with its progress row), so a batch that is run again skips what is done.

The passphrase/PIN must reach the worker: it is encrypted (Fernet, key derived from SECRET_KEY)
on the batch row only while the batch runs and wiped when it ends, as the signing app does."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from hoso.audit.services import audit_log
from hoso.core import secrets
from hoso.core.cores import in_processes, processes
from hoso.core.errors import DomainError, NotAllowed
from hoso.core.scheduling import beat, silent_jobs
from hoso.grading.hocba.chain import SEAL_PENDING
from hoso.grading.hocba.selectors import read_blob, signable_for
from hoso.grading.hocba.services.versions import (
    Rendered,
    hocba_create,
    hocba_files,
    hocba_page,
    hocba_sign,
    next_number,
)
from hoso.grading.hocba.verify import Answers, checked_ahead
from hoso.grading.models import (
    HocBaBatch,
    HocBaBatchItem,
    HocBaBatchItemStatus,
    HocBaBatchKind,
    HocBaBatchStatus,
    HocBaSignature,
    HocBaVersion,
)
from hoso.grading.outputs.render import hoc_ba_lay_out
from hoso.grading.outputs.tables import hoc_ba_data
from hoso.org.models import Enrolment, Unit, present_on
from hoso.policy import can

SEALED_FOR = "hoso-hocba-batch"


def _enqueue(batch: HocBaBatch) -> None:
    from hoso.grading.tasks import run_hocba_batch

    transaction.on_commit(lambda: run_hocba_batch(batch.pk))


@transaction.atomic
def hocba_batch_create(
    *, actor: Any, school_class: Unit, students: list[int] | None = None, ip: str = ""
) -> HocBaBatch:
    """Queue drafts for every pupil of the class (or of `students`) without a học bạ yet."""
    if not can(actor, "grading.hocba.manage", school_class):
        raise NotAllowed(_("Chỉ GVCN của lớp hoặc lãnh đạo trường được lập học bạ."))
    has_one = HocBaVersion.objects.filter(
        school_class=school_class, school_year_id=school_class.school_year_id
    ).values_list("student_id", flat=True)
    assert school_class.school_year is not None
    students = list(
        Enrolment.objects.filter(
            school_class=school_class, school_year_id=school_class.school_year_id
        )
        # a pupil who left before the year's end takes their records with them (schoollife)
        .filter(present_on(school_class.school_year.end_date))
        .exclude(student_id__in=has_one)
        .filter(**({} if students is None else {"student_id__in": students}))
        .order_by("student__sort_key")
        .values_list("student_id", flat=True)
    )
    if not students:
        raise DomainError(_("Mọi học sinh của lớp đã có học bạ năm học này."))
    batch = HocBaBatch.objects.create(
        kind=HocBaBatchKind.CREATE, school_class=school_class, user=actor, total=len(students)
    )
    HocBaBatchItem.objects.bulk_create(
        [HocBaBatchItem(batch=batch, student_id=sid) for sid in students]
    )
    audit_log(
        "grading.hocba.batch.started",
        actor=actor,
        obj=batch,
        unit_id=school_class.school_id,
        ip=ip,
        data={"kind": "create", "students": students},
    )
    _enqueue(batch)
    return batch


@transaction.atomic
def hocba_batch_sign(
    *,
    actor: Any,
    school_class: Unit,
    passphrase: str | None = None,
    pin: str | None = None,
    ip: str = "",
) -> HocBaBatch:
    """Check the key once (a wrong passphrase queues nothing), then queue the signatures."""
    from hoso.signing.services.signers import signer_close

    if not can(actor, "grading.class.view", school_class):
        raise NotAllowed(_("Bạn không xem được lớp này."))
    versions = signable_for(actor, school_class)
    if not versions:
        raise DomainError(_("Không có học bạ nào của lớp đang chờ bạn ký (và đã đủ dữ liệu)."))
    handle = handle_for(actor, versions[0], passphrase=passphrase, pin=pin)
    signer_close(handle)
    batch = HocBaBatch.objects.create(
        kind=HocBaBatchKind.SIGN,
        school_class=school_class,
        user=actor,
        certificate_id=handle.certificate.pk,
        total=len(versions),
        secret=secrets.seal(SEALED_FOR, passphrase or pin or ""),
    )
    HocBaBatchItem.objects.bulk_create(
        [HocBaBatchItem(batch=batch, student_id=v.student_id, version=v) for v in versions]
    )
    audit_log(
        "grading.hocba.batch.started",
        actor=actor,
        obj=batch,
        unit_id=school_class.school_id,
        ip=ip,
        data={"kind": "sign", "versions": [v.pk for v in versions]},
    )
    _enqueue(batch)
    return batch


def handle_for(
    actor: Any,
    version: HocBaVersion,
    *,
    passphrase: str | None,
    pin: str | None,
    certificate_id: int | None = None,
) -> Any:
    from hoso.signing.models import CertKind
    from hoso.signing.services.signers import signer_for

    is_seal = version.status == SEAL_PENDING
    return signer_for(
        actor=actor,
        kind=CertKind.SEAL if is_seal else CertKind.PERSONAL,
        unit=version.school_class.school if is_seal else None,
        certificate_id=certificate_id,
        passphrase=passphrase or None,
        pin=pin or None,
    )


def signature_png(actor: Any, version: HocBaVersion, registered: bytes | None) -> bytes | None:
    """The registered image; in demo mode a generated one (the demo has no scanned images)."""
    if registered is not None or not settings.DEMO_MODE:
        return registered
    from hoso.signing.engine.demo_images import demo_seal_png, demo_signature_png

    school = version.school_class.school
    if version.status == SEAL_PENDING and school is not None:
        return demo_seal_png(school.name)
    return demo_signature_png(getattr(actor, "first_name", "") or actor.get_username())


def hocba_batch_run(*, batch_id: int) -> HocBaBatch:
    """Work through the pending items (idempotent: done or failed items are skipped)."""
    batch = HocBaBatch.objects.select_related("user", "school_class").get(pk=batch_id)
    if batch.status == HocBaBatchStatus.DONE:
        return batch
    beat(HocBaBatch, batch.pk, status=HocBaBatchStatus.RUNNING)
    items = batch.items.filter(status=HocBaBatchItemStatus.PENDING).select_related(
        "student", "version"
    )
    if batch.kind == HocBaBatchKind.CREATE:
        pending = list(items.order_by("id"))
        for item, ahead in zip(pending, _laid_out_ahead(batch, pending), strict=True):
            _one(batch, item, lambda item=item, ahead=ahead: _create_one(batch, item, ahead))
    else:
        _sign_all(batch, list(items.order_by("id")))
    HocBaBatch.objects.filter(pk=batch.pk).update(
        status=HocBaBatchStatus.DONE, secret="", finished_at=timezone.now()
    )
    batch.refresh_from_db()
    return batch


def _create_one(batch: HocBaBatch, item: HocBaBatchItem, ahead: Rendered | None) -> HocBaVersion:
    return hocba_create(
        actor=batch.user, school_class=batch.school_class, student=item.student, ahead=ahead
    )


def _laid_out_ahead(batch: HocBaBatch, items: list[HocBaBatchItem]) -> Iterator[Rendered | None]:
    """Each pupil's form laid out in the pool's processes (hoso.core.cores) from the data as it
    is now, while this process renders the next pages and stores the ones before: laying out
    the form is most of a học bạ's cost. `hocba_create` reads the data again in its
    transaction and lays the files out itself if anything changed meanwhile, so the stored
    version is always its own data."""
    if processes() < 1:  # no pool: each is laid out in its own transaction, as it always was
        yield from (None for _item in items)
        return
    jobs = [_job(batch.school_class, item.student) for item in items]
    pages = in_processes(hoc_ba_lay_out(), [_page_or_none(job) for job in jobs])
    for job, page in zip(jobs, pages, strict=True):
        yield _files_or_none(job, page)


Job = tuple[dict[str, Any], int]


def _job(school_class: Unit, student: Any) -> Job | None:
    try:
        return hoc_ba_data(school_class, student), next_number(student, school_class)
    except Exception:  # noqa: BLE001 — reported by hocba_create, where it happens again
        return None


def _page_or_none(job: Job | None) -> tuple[str, str] | None:
    if job is None:
        return None
    try:
        return hocba_page(job)
    except Exception:  # noqa: BLE001 — reported by hocba_create, where it happens again
        return None


def _files_or_none(job: Job | None, page: Any) -> Rendered | None:
    """A pupil whose form cannot be laid out ahead is laid out (and fails, with its message)
    in its own transaction, as before."""
    if job is None or page is None:
        return None
    try:
        return hocba_files(job, page)
    except Exception:  # noqa: BLE001 — reported by hocba_create, where it happens again
        return None


def _sign_all(batch: HocBaBatch, items: list[HocBaBatchItem]) -> None:
    from hoso.signing.services.signers import signer_close

    try:
        secret = secrets.unseal(SEALED_FOR, batch.secret)
    except secrets.SecretGone:
        for item in items:
            _fail(batch, item, _("Không còn mật khẩu của lô ký (lô đã kết thúc hoặc khóa đã đổi)."))
        return
    handle = None
    ahead = None
    try:
        for index, item in enumerate(items):
            version = item.version
            if version is None:
                _fail(batch, item, _("Không còn bản học bạ này."))
                continue
            if handle is None:
                try:
                    handle = _open_from_batch(batch, version, secret)
                except DomainError as exc:
                    for rest in items[index:]:
                        _fail(batch, rest, exc.message)
                    return
                ahead = _checked_ahead(items[index:])  # the key opened: worth checking
            _one(batch, item, lambda v=version, h=handle, a=ahead: _sign_one(batch, v, h, a))
    finally:
        if handle is not None:
            signer_close(handle)  # a PKCS#11 session stays logged in until closed


def _open_from_batch(batch: HocBaBatch, version: HocBaVersion, secret: str) -> Any:
    from hoso.signing.models import Backend, Certificate

    backend = Certificate.objects.filter(pk=batch.certificate_id or 0).values_list(
        "backend", flat=True
    )
    is_pin = backend.first() == Backend.PKCS11
    return handle_for(
        batch.user,
        version,
        passphrase=None if is_pin else secret,
        pin=secret if is_pin else None,
        certificate_id=batch.certificate_id,
    )


def _checked_ahead(items: list[HocBaBatchItem]) -> Answers | None:
    """The signatures already on each item's file, checked in the pool's processes while
    this process signs (the check before each signature is half of a học bạ's signing cost).
    `hocba_sign` uses an answer only for the very bytes it is about to sign."""
    versions = [item.version for item in items if item.version is not None]
    signed = set(
        HocBaSignature.objects.filter(version__in=versions).values_list("version_id", flat=True)
    )
    return checked_ahead([read_blob(v.pdf_sha256) for v in versions if v.pk in signed])


def _sign_one(
    batch: HocBaBatch, version: HocBaVersion, handle: Any, ahead: Answers | None
) -> HocBaVersion:
    version.refresh_from_db()
    return hocba_sign(
        actor=batch.user,
        version=version,
        signer=handle.signer,
        image_png=signature_png(batch.user, version, handle.image_png),
        ahead=ahead,
    )


def _one(batch: HocBaBatch, item: HocBaBatchItem, work: Any) -> None:
    """The pupil's học bạ and its progress row in ONE transaction: all or nothing."""
    try:
        with transaction.atomic():
            # A second worker on the same batch (a repeated task) skips what the first took.
            pending = HocBaBatchItem.objects.select_for_update().filter(
                pk=item.pk, status=HocBaBatchItemStatus.PENDING
            )
            if not pending.exists():
                return
            version = work()
            item.version, item.status, item.message = version, HocBaBatchItemStatus.DONE, ""
            item.save(update_fields=["version", "status", "message"])
            beat(HocBaBatch, batch.pk, done=F("done") + 1)
    except DomainError as exc:
        _fail(batch, item, exc.message)
    except Exception as exc:  # noqa: BLE001 — one broken học bạ must not stop the batch
        _fail(batch, item, f"Lỗi không mong đợi: {type(exc).__name__}")


@transaction.atomic
def _fail(batch: HocBaBatch, item: HocBaBatchItem, message: str) -> None:
    changed = HocBaBatchItem.objects.filter(pk=item.pk, status=HocBaBatchItemStatus.PENDING).update(
        status=HocBaBatchItemStatus.FAILED, message=message[:500]
    )
    if changed:  # only once per item, whoever gets there first
        beat(HocBaBatch, batch.pk, failed=F("failed") + 1)


def hocba_batches_stuck(minutes: float) -> list[int]:
    """Batches queued or running whose worker has been silent for `minutes` (lost in a crash)."""
    running = [HocBaBatchStatus.QUEUED, HocBaBatchStatus.RUNNING]
    return silent_jobs(HocBaBatch.objects.filter(status__in=running), minutes)
