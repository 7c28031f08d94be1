"""A parent's consent to see a child's data: given on the web by the parent, or from a signed
paper form entered by the school; withdrawn the same two ways. Every change is audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hoso.audit.services import audit_log
from hoso.core.errors import Conflict, DomainError, NotFound
from hoso.families.consent_text import CURRENT_VERSION
from hoso.families.models import Consent, ConsentChannel
from hoso.families.services.contacts import class_of, require_manage
from hoso.grading.models import Guardian
from hoso.org.models import Student
from hoso.policy import can

NOT_FOUND = "Không tìm thấy hoặc bạn không có quyền xem mục này."


def _parent_and_channel(actor: Any, student: Student, parent: Any) -> tuple[Any, str]:
    """The parent themself on the web, or the school for a parent (a paper form)."""
    if parent is None:
        if not can(actor, "families.child.consent", student):
            raise NotFound(_(NOT_FOUND))
        return actor, ConsentChannel.WEB
    school_class = class_of(student)
    if school_class is None:
        raise NotFound(_(NOT_FOUND))
    require_manage(actor, school_class)
    if not Guardian.objects.filter(user=parent, student=student).exists():
        raise DomainError(_("Tài khoản này không phải của cha mẹ học sinh này."))
    return parent, ConsentChannel.PAPER


@transaction.atomic
def consent_give(*, actor: Any, student: Student, parent: Any = None, ip: str = "") -> Consent:
    parent, channel = _parent_and_channel(actor, student, parent)
    rows = Consent.objects.select_for_update().filter(
        user=parent, student=student, withdrawn_at__isnull=True
    )
    now = timezone.now()
    for open_consent in rows:
        if open_consent.text_version == CURRENT_VERSION:
            raise Conflict(_("Đã đồng ý rồi."))
        # Given to an older text: closed (no withdrawal channel) and replaced by this one.
        open_consent.withdrawn_at = now
        open_consent.save(update_fields=["withdrawn_at"])
    consent = Consent.objects.create(
        user=parent,
        student=student,
        text_version=CURRENT_VERSION,
        channel=channel,
        given_at=now,
        recorded_by=actor,
    )
    audit_log(
        "families.consent.given",
        actor=actor,
        obj=consent,
        unit_id=student.school_id,
        ip=ip,
        data={"student_id": student.pk, "version": CURRENT_VERSION, "channel": channel},
    )
    return consent


@transaction.atomic
def consent_withdraw(*, actor: Any, student: Student, parent: Any = None, ip: str = "") -> Consent:
    parent, channel = _parent_and_channel(actor, student, parent)
    consent = (
        Consent.objects.select_for_update()
        .filter(user=parent, student=student, withdrawn_at__isnull=True)
        .first()
    )
    if consent is None:
        raise Conflict(_("Chưa có sự đồng ý nào để rút lại."))
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_channel = channel
    consent.withdrawn_by = actor
    consent.save(update_fields=["withdrawn_at", "withdrawn_channel", "withdrawn_by"])
    audit_log(
        "families.consent.withdrawn",
        actor=actor,
        obj=consent,
        unit_id=student.school_id,
        ip=ip,
        data={"student_id": student.pk, "channel": channel},
    )
    return consent
