"""Inviting a parent: an e-mail with a link, or a printed sheet with one code per child. Either
secret, entered on the public redeem page, creates the parent's account (or, for a parent
already signed in, adds the child) and links it to the child. Single use, expiring."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hoso.accounts.models import AccountProfile
from hoso.audit.services import audit_log
from hoso.core.errors import Conflict, DomainError
from hoso.families.codes import new_code, new_token, secret_hash
from hoso.families.models import Channel, Invitation, ParentContact, Relation
from hoso.families.selectors import class_students
from hoso.families.services.contacts import class_of, require_manage
from hoso.grading.models import Guardian
from hoso.org.models import Student, Unit

EMAIL_DAYS = 14
CODE_DAYS = 30
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{3,39}$")


@transaction.atomic
def invitation_email_send(*, actor: Any, contact: ParentContact, ip: str = "") -> Invitation:
    school_class = class_of(contact.student)
    if school_class is None:
        raise DomainError(_("Học sinh không có lớp trong năm học này."))
    require_manage(actor, school_class)
    if not contact.email:
        raise DomainError(_("Chưa có địa chỉ thư điện tử của cha mẹ này."))
    if contact.user_id is not None:
        raise Conflict(_("Cha mẹ này đã có tài khoản liên kết với học sinh."))
    _revoke(Invitation.objects.filter(contact=contact, channel=Channel.EMAIL))
    token = new_token()
    invitation = Invitation.objects.create(
        student=contact.student,
        school_id=contact.school_id,
        contact=contact,
        channel=Channel.EMAIL,
        secret_hash=secret_hash(token),
        sent_to=contact.email,
        expires_at=timezone.now() + dt.timedelta(days=EMAIL_DAYS),
        created_by=actor,
    )
    _mail(contact, token)
    audit_log(
        "families.invitation.emailed",
        actor=actor,
        obj=invitation,
        unit_id=school_class.pk,
        ip=ip,
        data={"student_id": contact.student_id, "days": EMAIL_DAYS},
    )
    return invitation


def _mail(contact: ParentContact, token: str) -> None:
    base = getattr(settings, "HOSO_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
    link = f"{base}{reverse('families:redeem')}?ma={token}"
    body = _(
        "Kính gửi %(name)s,\n\nNhà trường mời anh/chị tạo tài khoản HoSo để theo dõi việc học "
        "của em %(student)s. Mở liên kết sau (dùng được một lần, trong %(days)d ngày):\n\n"
        "%(link)s\n\nTrước khi xem dữ liệu của con, anh/chị sẽ đọc và quyết định đồng ý theo "
        "Luật Bảo vệ dữ liệu cá nhân."
    ) % {
        "name": contact.full_name,
        "student": contact.student.full_name,
        "days": EMAIL_DAYS,
        "link": link,
    }
    subject = _("[HoSo] Lời mời tạo tài khoản cha mẹ học sinh")
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [contact.email])


@dataclass(frozen=True)
class SheetLine:
    student: Student
    code: str


@transaction.atomic
def code_sheet_issue(*, actor: Any, school_class: Unit, ip: str = "") -> list[SheetLine]:
    """A new code for every pupil of the class; the codes of an earlier sheet not yet used stop
    working (a lost sheet is replaced by printing again). The codes exist only on this sheet."""
    require_manage(actor, school_class)
    students = list(class_students(school_class))
    if not students:
        raise DomainError(_("Lớp chưa có học sinh."))
    _revoke(Invitation.objects.filter(student__in=students, channel=Channel.CODE))
    expires = timezone.now() + dt.timedelta(days=CODE_DAYS)
    lines = [SheetLine(student, new_code()) for student in students]
    Invitation.objects.bulk_create(
        Invitation(
            student=line.student,
            school_id=line.student.school_id,
            channel=Channel.CODE,
            secret_hash=secret_hash(line.code),
            expires_at=expires,
            created_by=actor,
        )
        for line in lines
    )
    audit_log(
        "families.codes.issued",
        actor=actor,
        obj=school_class,
        unit_id=school_class.pk,
        ip=ip,
        data={"count": len(lines), "days": CODE_DAYS},
    )
    return lines


def _revoke(invitations: Any) -> None:
    invitations.filter(used_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


@dataclass(frozen=True)
class NewAccount:
    username: str
    password: str
    full_name: str


@transaction.atomic
def invitation_redeem(
    *,
    secret: str,
    relation: str,
    account: NewAccount | None = None,
    user: Any = None,
    ip: str = "",
) -> Guardian:
    """Create the account (`account`) or use the signed-in parent's (`user`), link it to the
    invitation's child. Refused, with nothing changed: a wrong, used, revoked or expired
    secret; a bad username or password; a child already linked to this account."""
    invitation = _usable(secret)
    if relation not in Relation.values:
        raise DomainError(
            _("Hãy chọn quan hệ với học sinh."), fields={"relation": [_("Bắt buộc.")]}
        )
    if user is None:
        if account is None:
            raise DomainError(_("Hãy nhập tên đăng nhập và mật khẩu."))
        user = _create_account(account)
    if Guardian.objects.filter(user=user, student_id=invitation.student_id).exists():
        raise Conflict(_("Tài khoản này đã được liên kết với học sinh."))
    guardian = Guardian.objects.create(
        user=user, student_id=invitation.student_id, relation=str(Relation(relation).label)
    )
    invitation.used_at, invitation.used_by = timezone.now(), user
    invitation.save(update_fields=["used_at", "used_by"])
    if invitation.contact_id is not None:
        ParentContact.objects.filter(pk=invitation.contact_id).update(user=user)
    audit_log(
        "families.invitation.redeemed",
        actor=user,
        obj=invitation,
        unit_id=invitation.school_id,
        ip=ip,
        data={"student_id": invitation.student_id, "channel": invitation.channel},
    )
    return guardian


BAD_CODE = gettext_noop("Mã không đúng. Hãy kiểm tra lại mã trên phiếu hoặc liên kết trong thư.")


def _usable(secret: str) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update().filter(secret_hash=secret_hash(secret)).first()
        if secret.strip()
        else None
    )
    if invitation is None or invitation.revoked_at is not None:
        # A replaced code says the same as a wrong one: the new sheet is what counts.
        raise DomainError(_(BAD_CODE), fields={"code": [_("Mã không đúng.")]})
    if invitation.used_at is not None:
        raise Conflict(
            _("Mã này đã được dùng. Mỗi mã chỉ dùng được một lần; hãy xin nhà trường mã mới."),
            fields={"code": [_("Mã đã được dùng.")]},
        )
    if invitation.expires_at <= timezone.now():
        raise DomainError(
            _("Mã này đã hết hạn. Hãy xin giáo viên chủ nhiệm mã mới."),
            fields={"code": [_("Mã đã hết hạn.")]},
        )
    return invitation


def _create_account(account: NewAccount) -> Any:
    model = get_user_model()
    username = account.username.strip().lower()
    if not USERNAME.match(username):
        raise DomainError(
            _("Tên đăng nhập gồm 4 đến 40 chữ cái không dấu, chữ số, dấu chấm, gạch ngang."),
            fields={"username": [_("Tên đăng nhập không hợp lệ.")]},
        )
    if model.objects.filter(username__iexact=username).exists():
        raise Conflict(
            _("Tên đăng nhập này đã có người dùng. Hãy chọn tên khác."),
            fields={"username": [_("Đã có người dùng.")]},
        )
    full_name = account.full_name.strip()
    if not full_name:
        raise DomainError(_("Hãy nhập họ và tên."), fields={"full_name": [_("Bắt buộc.")]})
    user = model(username=username, first_name=full_name[:150])
    try:
        validate_password(account.password, user=user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), fields={"password": exc.messages}) from None
    user.set_password(account.password)
    user.save()
    AccountProfile.objects.create(user=user, full_name=full_name[:120])
    return user
