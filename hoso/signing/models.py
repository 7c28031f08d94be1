"""Certificates people and schools sign with, the signatures HoSo made, two-phase signing
sessions (agent) and batch-signing progress."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hoso.org.models import Unit


class CertKind(models.TextChoices):
    PERSONAL = "personal", _("Cá nhân")
    SEAL = "seal", _("Tổ chức (con dấu)")


class Backend(models.TextChoices):
    PKCS12 = "pkcs12", _("Tệp PKCS#12 trên máy chủ (mật khẩu)")
    PKCS11 = "pkcs11", _("Thiết bị HSM/token gắn vào máy chủ (PIN)")
    EXTERNAL = "external", _("USB token trên máy người ký (HoSo Signer)")
    REMOTE = "remote", _("Ký số từ xa (xác nhận trên điện thoại)")


class CertStatus(models.TextChoices):
    ACTIVE = "active", _("Đang dùng")
    REVOKED = "revoked", _("Đã thu hồi")
    RETIRED = "retired", _("Ngừng dùng")


class Certificate(models.Model):
    """A signing certificate: a person's (owner) or a school's seal (unit). The private key is
    never in the database: `key_ref` says where it is (a PKCS#12 path, a PKCS#11 slot) or the
    key stays on the person's own token (external)."""

    kind = models.CharField(max_length=10, choices=CertKind.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signing_certificates",
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="seal_certificates"
    )
    pem = models.TextField()
    chain_pem = models.TextField(blank=True, default="")
    subject = models.CharField(_("chủ thể"), max_length=500)
    common_name = models.CharField(_("tên trên chứng thư"), max_length=255)
    issuer = models.CharField(_("tổ chức cấp"), max_length=500)
    serial = models.CharField(_("số hiệu"), max_length=80)
    not_before = models.DateTimeField(_("hiệu lực từ"))
    not_after = models.DateTimeField(_("hiệu lực đến"))
    fingerprint = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=CertStatus.choices, default=CertStatus.ACTIVE)
    backend = models.CharField(max_length=10, choices=Backend.choices)
    key_ref = models.JSONField(default=dict, blank=True)
    image_sha256 = models.CharField(max_length=64, blank=True, default="")
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    registered_at = models.DateTimeField()

    class Meta:
        ordering = ["-not_after", "-id"]
        verbose_name = _("chứng thư số")
        verbose_name_plural = _("chứng thư số")
        constraints = [
            models.UniqueConstraint(
                fields=["fingerprint", "owner"],
                name="one_cert_per_owner",
                condition=Q(kind="personal"),
            ),
            models.UniqueConstraint(
                fields=["fingerprint", "unit"],
                name="one_seal_cert_per_unit",
                condition=Q(kind="seal"),
            ),
            models.CheckConstraint(
                condition=(Q(kind="personal", owner__isnull=False, unit__isnull=True))
                | Q(kind="seal", unit__isnull=False, owner__isnull=True),
                name="cert_has_one_holder",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.common_name} ({self.serial})"


class SignatureRecord(models.Model):
    """One signature HoSo applied to a record version. The signed PDF is a new blob
    (`output_sha256`); `input_sha256` is the file it was applied to."""

    version = models.ForeignKey(
        "records.RecordVersion", on_delete=models.PROTECT, related_name="signatures"
    )
    step = models.PositiveSmallIntegerField()
    role = models.CharField(max_length=10)
    action = models.CharField(max_length=10)  # sign | seal
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="+")
    backend = models.CharField(max_length=10, choices=Backend.choices)
    level = models.CharField(max_length=5)
    field_name = models.CharField(max_length=40)
    placement = models.JSONField(default=dict, blank=True)  # {"page", "box"} of the image
    input_sha256 = models.CharField(max_length=64)
    output_sha256 = models.CharField(max_length=64)
    detached_sha256 = models.CharField(max_length=64, blank=True, default="")  # CAdES .p7s
    signed_at = models.DateTimeField()

    class Meta:
        ordering = ["version_id", "signed_at", "id"]
        verbose_name = _("chữ ký số")
        verbose_name_plural = _("chữ ký số")
        # The dashboard's "signed this week" reads the week's rows only.
        indexes = [models.Index(fields=["signed_at"], name="signing_sig_signed_at")]

    def __str__(self) -> str:
        return f"{self.action} v{self.version_id} by {self.signer_id}"

    @property
    def position(self) -> str:
        """The signer's place in the chain, in words ("Người lập", "Tổ trưởng chuyên môn")."""
        from hoso.signing.documents import POSITION_VN

        return POSITION_VN.get(self.role, self.role)


class ExternalSession(models.Model):
    """Phase 1 of two-phase signing (the person's token signs the digest through the agent)."""

    record = models.ForeignKey("records.Record", on_delete=models.CASCADE, related_name="+")
    workflow = models.ForeignKey("records.Workflow", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="+")
    step = models.PositiveSmallIntegerField()
    input_sha256 = models.CharField(max_length=64)
    state_json = models.TextField()
    placement = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("phiên ký bằng thiết bị ký")
        verbose_name_plural = _("phiên ký bằng thiết bị ký")

    def __str__(self) -> str:
        return f"external session {self.pk} (record {self.record_id})"


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang ký")
    DONE = "done", _("Xong")


class SignBatch(models.Model):
    """Batch signing by one person (or the văn thư sealing with the school's seal); the
    passphrase is kept encrypted only while it runs."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=10, default="sign")  # sign | seal (the văn thư)
    status = models.CharField(max_length=10, choices=BatchStatus.choices)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    secret = models.TextField(blank=True, default="")
    created_at = models.DateTimeField()
    # Last sign of life of the worker running the batch: the recovery sweep
    # (hoso.ops.recovery) only picks up batches silent for longer than its threshold.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lô ký")
        verbose_name_plural = _("lô ký")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return str(
            _("Lượt ký %(pk)s: xong %(done)s, lỗi %(failed)s, trong %(total)s hồ sơ")
            % {"pk": self.pk, "done": self.done, "failed": self.failed, "total": self.total}
        )

    @property
    def is_seal(self) -> bool:
        return self.action == "seal"

    @property
    def percent(self) -> int:
        return int(100 * (self.done + self.failed) / self.total) if self.total else 100


class ItemStatus(models.TextChoices):
    PENDING = "pending", _("Chờ")
    DONE = "done", _("Đã ký")
    FAILED = "failed", _("Lỗi")


class SignBatchItem(models.Model):
    batch = models.ForeignKey(SignBatch, on_delete=models.CASCADE, related_name="items")
    record = models.ForeignKey("records.Record", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=ItemStatus.choices, default=ItemStatus.PENDING)
    message = models.CharField(max_length=500, blank=True, default="")
    # The signature this item applied, set in the same transaction as the signature itself:
    # a re-run after a crash sees it and never signs the document twice.
    signature = models.ForeignKey(
        SignatureRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("văn bản trong lô ký")
        verbose_name_plural = _("văn bản trong lô ký")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"batch {self.batch_id} record {self.record_id}: {self.status}"


class ArchiveKind(models.TextChoices):
    ISSUE = "issue", _("Khi phát hành")
    RENEWAL = "renewal", _("Gia hạn")


class ArchiveTimestamp(models.Model):
    """A document time-stamp HoSo added to an issued version (PAdES B-LTA): at issue, then one
    per renewal. Each is an incremental update; the version's signed copy moves to its output."""

    version = models.ForeignKey(
        "records.RecordVersion", on_delete=models.PROTECT, related_name="archive_timestamps"
    )
    kind = models.CharField(max_length=10, choices=ArchiveKind.choices)
    created_at = models.DateTimeField()
    stamped_at = models.DateTimeField()
    tsa = models.CharField(max_length=200)
    tsa_not_after = models.DateTimeField()
    digest = models.CharField(max_length=20, default="sha256")
    # SHA-256 of the file before this time-stamp. Not a stored file at issue (the copy before
    # B-LTA is never kept), so not named *sha256: hoso scrub takes those columns for blobs.
    input_hash = models.CharField(max_length=64)
    output_sha256 = models.CharField(max_length=64, db_index=True)

    class Meta:
        verbose_name = _("dấu thời gian lưu trữ")
        verbose_name_plural = _("dấu thời gian lưu trữ")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.version_id} {self.stamped_at:%Y-%m-%d}"
