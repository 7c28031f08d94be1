"""Parents of the pupils (from the student's particulars), their invitations and consents.

grading.Guardian stays the link between an account and a child (results, học bạ, library
loans all hang on it); this app makes those links from invitations and keeps the consent
without which a linked account sees nothing of the child (hoso.grading.guardians)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hoso.org.models import Student, Unit


class Relation(models.TextChoices):
    FATHER = "cha", _("Cha")
    MOTHER = "me", _("Mẹ")
    GUARDIAN = "giam_ho", _("Người giám hộ")


class ParentContact(models.Model):
    """A parent or guardian named in the student's particulars, with how to reach them."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="parent_contacts")
    school = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    relation = models.CharField(_("quan hệ"), max_length=10, choices=Relation.choices)
    full_name = models.CharField(_("họ và tên"), max_length=120)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True, default="")
    email = models.EmailField(_("thư điện tử"), blank=True, default="")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["student__sort_key", "relation"]
        verbose_name = _("cha mẹ học sinh")
        verbose_name_plural = _("cha mẹ học sinh")
        constraints = [
            models.UniqueConstraint(
                fields=["student", "relation"], name="one_parent_contact_per_relation"
            )
        ]

    def __str__(self) -> str:
        return self.full_name


class Channel(models.TextChoices):
    EMAIL = "email", _("Thư điện tử")
    CODE = "code", _("Mã in trên phiếu")


class Invitation(models.Model):
    """A single-use secret that creates a parent account linked to one child. Only its keyed
    hash is stored: the e-mail or the printed sheet is the one place the secret exists."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    contact = models.ForeignKey(
        ParentContact, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    secret_hash = models.CharField(max_length=64, unique=True)
    sent_to = models.EmailField(blank=True, default="")
    expires_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lời mời phụ huynh")
        verbose_name_plural = _("lời mời phụ huynh")
        indexes = [models.Index(fields=["student", "channel"])]

    def __str__(self) -> str:
        return f"{self.channel} → {self.student_id}"


class ConsentChannel(models.TextChoices):
    WEB = "web", _("Trực tuyến")
    PAPER = "paper", _("Phiếu giấy, nhà trường nhập")


class Consent(models.Model):
    """One consent of one account for one child: given (time, text version, channel), and
    withdrawn later or not. Giving again after a withdrawal is a new row: the history stays."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="consents")
    text_version = models.CharField(max_length=20)
    channel = models.CharField(max_length=10, choices=ConsentChannel.choices)
    given_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_channel = models.CharField(
        max_length=10, choices=ConsentChannel.choices, blank=True, default=""
    )
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("đồng ý của phụ huynh")
        verbose_name_plural = _("đồng ý của phụ huynh")
        ordering = ["-given_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "student"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_open_consent_per_parent_and_child",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.student_id} ({self.text_version})"
