"""Học bạ số: versions and the signing chain GVCN → hiệu trưởng → con dấu của trường.

A version freezes the data (`outputs.tables.hoc_ba_data`) and renders PDF and XML from that
same dict. The PDF signature goes through signing's one door (`hoso.signing.services.door`:
holder and trust checks, appearance, PAdES, archive time-stamp on issue); a version
with missing data cannot be signed; an issued version is read-only and a correction is a new
version (struck old values shown) that supersedes it once issued."""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from hoso.audit.services import audit_log
from hoso.core.errors import NOT_FOUND_MESSAGE, Conflict, DomainError, NotAllowed, NotFound
from hoso.core.events import HOCBA_ISSUED, emit
from hoso.grading.hocba.chain import (
    IN_PROGRESS,
    NEXT_STEP,
    SEAL_OVER,
    SIGN_FIELDS,
    signing_check,
)
from hoso.grading.hocba.selectors import read_blob
from hoso.grading.hocba.verify import (
    Answers,
    SignaturesInvalid,
    problems_text,
    verify_pdf,
)
from hoso.grading.models import HocBaSignature, HocBaStatus, HocBaVersion, SignStep
from hoso.grading.outputs.render import hoc_ba_page, hoc_ba_pdf, hoc_ba_xml
from hoso.grading.outputs.tables import diff_corrections, hoc_ba_data
from hoso.grading.services.entries import class_year_id
from hoso.org.models import Enrolment, Student, Unit
from hoso.policy import can
from hoso.records.services.summary import school_figures_touch
from hoso.signing.services.door import (
    AnchoredImage,
    Appearance,
    Holder,
    KeyChoice,
    PresetField,
    SealOverField,
    audit_signed,
    sign_document,
)
from hoso.storage import blob_store

# Học bạ made before the form carried signature fields (chain.SIGN_FIELDS): the image goes
# under the last instruction line of the signer's block, found in the text.
ANCHORS: dict[str, str] = {
    SignStep.GVCN: "(Ký và ghi rõ họ tên)",
    SignStep.HT: "(Ký, ghi rõ họ tên và đóng dấu)",
}


# The XML's file name inside the PDF, and the role each step's XAdES signature claims.
XML_NAME = "hoc-ba.xml"
XML_ROLES: dict[str, str] = {
    SignStep.GVCN: "Giáo viên chủ nhiệm",
    SignStep.HT: "Hiệu trưởng",
    SignStep.SEAL: "Con dấu của trường",
}


def _put(data: bytes) -> str:
    return blob_store().put(BytesIO(data)).sha256


def _class_of(student: Student, school_class: Unit) -> None:
    if not Enrolment.objects.filter(
        student=student, school_class=school_class, school_year_id=school_class.school_year_id
    ).exists():
        raise DomainError(_("Học sinh không thuộc lớp này."))


@dataclass(frozen=True)
class Rendered:
    """A version's files made ahead (by a batch, in another process) from `data` as number
    `number`: used only if the version about to be made has exactly that data and number."""

    data: dict[str, Any]
    number: int
    pdf: bytes
    xml: bytes


def hocba_page(job: tuple[dict[str, Any], int]) -> tuple[str, str]:
    """The form's HTML for `job` and the base URL it is laid out from, for a process that lays
    it out without Django (`HocBaForm.lay_out`)."""
    version_data, number = job
    return hoc_ba_page(version_data, number=number)


def hocba_files(job: tuple[dict[str, Any], int], page: Any = None) -> Rendered:
    """PDF and XML from the same data; the PDF carries the (unsigned) XML from the start.
    `page`: the form already laid out from `hocba_page(job)` (a batch's pool), else laid out
    here. No database, no store."""
    from hoso.signing.engine.attachments import attach_to_document
    from hoso.signing.services.door import with_signature_fields

    version_data, number = job
    xml = hoc_ba_xml(version_data, number=number)
    laid_out = (
        with_signature_fields(*page)
        if page is not None
        else hoc_ba_pdf(version_data, number=number)
    )
    pdf = attach_to_document(laid_out, _xml_attachment(xml))
    return Rendered(version_data, number, pdf, xml)


def _render(version_data: dict[str, Any], number: int, ahead: Rendered | None) -> tuple[str, str]:
    fits = ahead is not None and ahead.number == number and ahead.data == version_data
    files = ahead if fits and ahead is not None else hocba_files((version_data, number))
    return _put(files.pdf), _put(files.xml)


def next_number(student: Student, school_class: Unit) -> int:
    top = HocBaVersion.objects.filter(
        student=student, school_year_id=school_class.school_year_id
    ).aggregate(top=Max("number"))["top"]
    return (top or 0) + 1


def _xml_attachment(xml: bytes) -> Any:
    from hoso.signing.engine.attachments import Attachment

    return Attachment(XML_NAME, xml, description="Dữ liệu học bạ số (XML)")


@transaction.atomic
def hocba_create(
    *, actor: Any, school_class: Unit, student: Student, ahead: Rendered | None = None
) -> HocBaVersion:
    """A draft học bạ from the current entries (gaps are listed in `data["missing"]`). `ahead`:
    files a batch laid out beforehand, used only when they were made from the same data."""
    if not can(actor, "grading.hocba.manage", school_class):
        raise NotAllowed(_("Chỉ GVCN của lớp hoặc lãnh đạo trường được lập học bạ."))
    _class_of(student, school_class)
    existing = HocBaVersion.objects.select_for_update().filter(
        student=student, school_year_id=school_class.school_year_id
    )
    if existing.filter(status__in=IN_PROGRESS).exists():
        raise Conflict(_("Học bạ năm học này của học sinh đang được lập hoặc trình ký."))
    if existing.filter(status=HocBaStatus.ISSUED).exists():
        raise Conflict(_("Học bạ đã ban hành; muốn sửa hãy lập bản điều chỉnh."))
    data = hoc_ba_data(school_class, student)
    return _new_version(actor, school_class, student, data, None, "", ahead)


def _new_version(
    actor: Any,
    school_class: Unit,
    student: Student,
    data: dict[str, Any],
    supersedes: HocBaVersion | None,
    reason: str,
    ahead: Rendered | None = None,
) -> HocBaVersion:
    number = next_number(student, school_class)
    pdf_sha, xml_sha = _render(data, number, ahead)
    version = HocBaVersion.objects.create(
        student=student,
        school_year_id=class_year_id(school_class),
        school_class=school_class,
        number=number,
        data=data,
        pdf_sha256=pdf_sha,
        xml_sha256=xml_sha,
        supersedes=supersedes,
        correction_reason=reason,
        created_by=actor,
    )
    audit_log(
        "grading.hocba.created",
        actor=actor,
        obj=version,
        unit_id=school_class.school_id,
        data={
            "number": number,
            "pdf": pdf_sha,
            "xml": xml_sha,
            "missing": data["missing"],
            "supersedes": supersedes.pk if supersedes else None,
        },
    )
    return version


@transaction.atomic
def hocba_correct(*, actor: Any, version: HocBaVersion, reason: str) -> HocBaVersion:
    """A new version from the current entries, listing what changed against the issued one."""
    version = (
        HocBaVersion.objects.select_for_update(of=("self",))
        .select_related("school_class", "student")
        .get(pk=version.pk)
    )
    if not can(actor, "grading.hocba.manage", version.school_class):
        raise NotAllowed(_("Chỉ GVCN của lớp hoặc lãnh đạo trường được lập bản điều chỉnh."))
    if version.status != HocBaStatus.ISSUED:
        raise Conflict(_("Chỉ lập bản điều chỉnh cho học bạ đã ban hành."))
    if HocBaVersion.objects.filter(
        student=version.student, school_year=version.school_year, status__in=IN_PROGRESS
    ).exists():
        raise Conflict(_("Đã có một bản học bạ đang được lập hoặc trình ký."))
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise DomainError(_("Hãy ghi lý do điều chỉnh học bạ (ít nhất 5 ký tự)."))
    data = hoc_ba_data(version.school_class, version.student)
    data["corrections"] = diff_corrections(version.data, data)
    data["correction_reason"] = reason
    if not data["corrections"]:
        raise DomainError(_("Dữ liệu hiện tại giống bản đã ban hành; không có gì để điều chỉnh."))
    return _new_version(actor, version.school_class, version.student, data, version, reason)


@transaction.atomic
def hocba_sign(
    *,
    actor: Any,
    version: HocBaVersion,
    signer: Any,
    image_png: bytes | None = None,
    ahead: Answers | None = None,
) -> HocBaVersion:
    """Apply the next signature of the chain with `signer` (a `hoso.signing.engine` signer:
    PKCS#12, PKCS#11…). The key is used, never stored. `ahead`: a batch's checks of the files
    made moments before over the cores (used only for these very bytes)."""
    version = (
        HocBaVersion.objects.select_for_update(of=("self",))
        .select_related("school_class")
        .get(pk=version.pk)
    )
    if not can(actor, "grading.hocba.view", version):
        raise NotFound(NOT_FOUND_MESSAGE)
    if version.status not in NEXT_STEP:
        raise Conflict(_("Học bạ đã ban hành là bản chỉ đọc; muốn sửa hãy lập bản điều chỉnh."))
    step, next_status = NEXT_STEP[HocBaStatus(version.status)]
    if not can(actor, "grading.hocba.sign", version):
        raise NotAllowed(
            _("Bước tiếp theo là: %(label)s; bạn không ký bước này.")
            % {"label": SignStep(step).label}
        )
    problems = signing_check(version)
    if problems:
        raise DomainError(
            _("Không thể ký học bạ: %(problems)s.") % {"problems": "; ".join(problems)}
        )
    pdf = read_blob(version.pdf_sha256)
    _ensure_verified(version, pdf, ahead)
    signed_xml = _sign_xml(version, signer, step)
    doc = sign_document(
        actor=actor,
        pdf=pdf,
        holder=_holder(version, step),
        key=KeyChoice(signer=signer, close=False),  # the caller's key: the caller closes it
        appearance=_appearance(step, image_png),
        attachment=_xml_attachment(signed_xml),  # the signed XML rides on the new signature
        # the seal, last of the chain, locks the document (DocMDP: only validation data and
        # time-stamps may follow), so any later edit is flagged; issued học bạ are kept
        # permanently: with a TSA, validation data and a document time-stamp (B-LTA)
        lock=step == SignStep.SEAL,
        archive=next_status == HocBaStatus.ISSUED,
    )
    signed_pdf, sha, xml_sha = doc.pdf, doc.sha256, _put(signed_xml)
    from hoso.signing.engine.signers import cert_display_name

    subject = cert_display_name(signer.cert)
    HocBaSignature.objects.create(
        version=version, step=step, signer=actor, certificate_subject=subject, pdf_sha256=sha
    )
    if next_status == HocBaStatus.ISSUED:
        # DOMAIN §10.15: published only when every signature, the seal included, verifies.
        checked = verify_pdf(signed_pdf, sha, list(version.signatures.order_by("signed_at", "id")))
        if not checked.ok:
            raise SignaturesInvalid(
                _("Học bạ không được ban hành vì chữ ký không hợp lệ: %(problems)s.")
                % {"problems": problems_text(checked.problems)},
                checked.problems,
            )
    version.pdf_sha256, version.xml_sha256, version.status = sha, xml_sha, next_status
    fields = ["pdf_sha256", "xml_sha256", "status"]
    if next_status == HocBaStatus.ISSUED:
        version.issued_at = timezone.now()
        fields.append("issued_at")
        _supersede(version)
        school_figures_touch([version.school_class.school_id or 0])
        emit(HOCBA_ISSUED, unit_id=version.school_class.school_id, data=_issued_data(version))
    version.save(update_fields=fields)
    audit_signed(
        doc,
        action=f"grading.hocba.signed.{step}",
        actor=actor,
        obj=version,
        unit_id=version.school_class.school_id,
        data={"certificate": subject, "pdf": sha, "xml": xml_sha, "status": next_status},
    )
    return version


def _issued_data(version: HocBaVersion) -> dict[str, Any]:
    """What a webhook learns of an issued học bạ: ids, no name and no result."""
    return {
        "hocba_version": version.pk,
        "student": version.student_id,
        "school_year": version.school_year_id,
        "school_class": version.school_class_id,
        "number": version.number,
        "issued_at": version.issued_at.isoformat() if version.issued_at else None,
    }


def _appearance(step: str, image: bytes | None) -> Appearance:
    """`image` in the field the form laid out in the step's block (without an image the field
    is signed with nothing drawn); the seal over the principal's image in a field of its own
    (invisible without an image). A version made before its form carried these fields is
    placed as it was then: under the block's instruction line, found in the text."""
    anchored = AnchoredImage(
        ANCHORS.get(step, ANCHORS[SignStep.HT]), image, seal=step == SignStep.SEAL
    )
    if step == SignStep.SEAL:
        return anchored if image is None else SealOverField(SEAL_OVER, image, fallback=anchored)
    return PresetField(SIGN_FIELDS[step], fallback=anchored, image=image, bare=True)


def _holder(version: HocBaVersion, step: str) -> Holder:
    """Whatever the key came from, its certificate is registered to the actor (the seal: to
    the school), valid now, trusted and not revoked (DOMAIN §10): the door checks it."""
    return Holder.seal_of(version.school_class.school) if step == SignStep.SEAL else Holder()


def _ensure_verified(version: HocBaVersion, pdf: bytes, ahead: Answers | None = None) -> None:
    """The next signature (and the seal above all, §10.19) goes only on a file whose
    signatures so far all verify: checked on the very bytes that are about to be signed."""
    signatures = list(version.signatures.order_by("signed_at", "id"))
    if not signatures:
        return
    checked = verify_pdf(pdf, version.pdf_sha256, signatures, ahead=ahead)
    if not checked.ok:
        raise SignaturesInvalid(
            _("Không thể ký tiếp: chữ ký đã có trên học bạ không hợp lệ: %(problems)s.")
            % {"problems": problems_text(checked.problems)},
            checked.problems,
        )


def _sign_xml(version: HocBaVersion, signer: Any, step: str) -> bytes:
    """The next XAdES signature on the XML, after checking the ones already there: one per
    step signed so far, each verifying (the data and the signature before it unchanged)."""
    from hoso.signing.engine import SigningError
    from hoso.signing.engine.xades import envelope, sign_xml, verify_xml

    xml = envelope(read_blob(version.xml_sha256), container="HocBaKySo")
    checks = verify_xml(xml)
    if len(checks) != version.signatures.count() or not all(c.ok for c in checks):
        problems = [f"{c.signer}: {c.problem}" for c in checks if not c.ok]
        if problems:
            raise DomainError(
                _("Không thể ký tiếp: chữ ký trên tệp XML học bạ không hợp lệ: %(problems)s.")
                % {"problems": "; ".join(problems)}
            )
        raise DomainError(
            _(
                "Không thể ký tiếp: chữ ký trên tệp XML học bạ không hợp lệ "
                "(thiếu chữ ký của bước trước)."
            )
        )
    try:
        return sign_xml(xml, signer, role=XML_ROLES[step], description="Học bạ số")
    except SigningError as exc:
        raise DomainError(exc.message) from exc


def _supersede(version: HocBaVersion) -> None:
    if version.supersedes_id is not None:
        HocBaVersion.objects.filter(pk=version.supersedes_id).update(status=HocBaStatus.SUPERSEDED)
