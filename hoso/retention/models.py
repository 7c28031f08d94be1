"""Retention overrides, destruction proposals (đề nghị tiêu hủy), the stubs kept for destroyed
records and the files whose removal is pending after a destruction.

Destroyed records keep their rows in hoso.records (an issued version never changes, see
records migration 0002); what marks them destroyed is their DestroyedRecord here. Blob hashes
of the stub are kept in JSON on purpose: the scrub treats every `*sha256` column as a file
that must exist."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hoso.org.models import Unit


class RetentionOverride(models.Model):
    """A retention period set by the Sở or an administrator for one type. It wins over the
    catalogue value, which a catalogue reload would otherwise restore."""

    record_type = models.OneToOneField(
        "records.RecordType", on_delete=models.CASCADE, related_name="retention_override"
    )
    years = models.PositiveSmallIntegerField(_("thời hạn lưu trữ (năm, 0 = vĩnh viễn)"))
    reason = models.CharField(_("căn cứ thay đổi"), max_length=500)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField()

    class Meta:
        verbose_name = _("thời hạn bảo quản riêng")
        verbose_name_plural = _("thời hạn bảo quản riêng")

    def __str__(self) -> str:
        return gettext("%(record_type_id)s: %(years)s năm") % {
            "record_type_id": self.record_type_id,
            "years": self.years,
        }


class ProposalState(models.TextChoices):
    PENDING = "pending", _("Chờ hiệu trưởng quyết định")
    APPROVED = "approved", _("Đã duyệt, đã tiêu hủy")
    REFUSED = "refused", _("Không duyệt")


class DestructionProposal(models.Model):
    """Đề nghị tiêu hủy: the records of one school whose retention period has ended."""

    school = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(
        max_length=10, choices=ProposalState.choices, default=ProposalState.PENDING
    )
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    refusal_reason = models.TextField(blank=True, default="")
    minutes_number = models.CharField(_("số biên bản"), max_length=40, blank=True, default="")
    minutes_record = models.ForeignKey(
        "records.Record", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Set when every file is removed (or kept, shared by a live version) and the search index
    # entries are gone; until then the sweep picks the proposal up again.
    swept_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("đề nghị tiêu hủy")
        verbose_name_plural = _("đề nghị tiêu hủy")

    def __str__(self) -> str:
        return gettext("Đề nghị tiêu hủy số %(pk)s") % {"pk": self.pk}


class ProposalItem(models.Model):
    proposal = models.ForeignKey(
        DestructionProposal, on_delete=models.CASCADE, related_name="items"
    )
    record = models.ForeignKey("records.Record", on_delete=models.PROTECT, related_name="+")
    retention_years = models.PositiveSmallIntegerField()
    retention_end = models.DateField()

    class Meta:
        verbose_name = _("hồ sơ trong đề nghị hủy")
        verbose_name_plural = _("hồ sơ trong đề nghị hủy")
        ordering = ["record_id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "record"], name="one_item_per_record")
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.record_id}"


class DestroyedRecord(models.Model):
    """The metadata stub of a destroyed record; `stub` keeps title, type, owner, dates and,
    per version, sizes and SHA-256 of every file that was removed."""

    record = models.OneToOneField(
        "records.Record", on_delete=models.PROTECT, related_name="destruction"
    )
    proposal = models.ForeignKey(
        DestructionProposal, on_delete=models.PROTECT, related_name="destroyed"
    )
    destroyed_at = models.DateTimeField()
    stub = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("hồ sơ đã hủy")
        verbose_name_plural = _("hồ sơ đã hủy")

    def __str__(self) -> str:
        return gettext("hồ sơ %(record_id)s đã tiêu hủy") % {"record_id": self.record_id}


class PendingBlob(models.Model):
    """A file of a destroyed record, waiting for removal after the destruction committed. The
    sweep removes it when nothing live refers to it (`removed_at`), or keeps it when a live
    version shares it (`kept`). Re-running the sweep finishes what a crash interrupted."""

    proposal = models.ForeignKey(DestructionProposal, on_delete=models.PROTECT, related_name="+")
    hash = models.CharField(max_length=64)  # not `*sha256`: the scrub must not require it
    removed_at = models.DateTimeField(null=True, blank=True)
    kept = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("tệp chờ xóa")
        verbose_name_plural = _("tệp chờ xóa")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "hash"], name="one_pending_blob")
        ]
        indexes = [
            models.Index(fields=["hash"]),
            models.Index(
                fields=["proposal"],
                condition=Q(removed_at__isnull=True, kept=False),
                name="retention_blob_todo",
            ),
        ]

    def __str__(self) -> str:
        return self.hash
