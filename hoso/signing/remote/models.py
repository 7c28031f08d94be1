"""Remote signing (ký số từ xa): the provider a Sở contracts with, each person's credential at
that provider (or a school's: its organisation certificate, the con dấu số the văn thư seals
with), and one confirmation request covering one or many documents.

The private key never reaches HoSo: the provider holds it and signs the hashes HoSo sends once
the person has confirmed on their phone. The OAuth client secret is stored encrypted
(`hoso.signing.remote.secrets`), never shown back."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hoso.org.models import Unit
from hoso.signing.models import Certificate


class RemoteProvider(models.Model):
    """A remote-signing provider as one Sở (or Phòng) configured it."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="remote_providers")
    name = models.CharField(_("tên nhà cung cấp"), max_length=200)
    kind = models.CharField(_("giao thức"), max_length=20, default="csc")
    base_url = models.URLField(_("địa chỉ dịch vụ"), max_length=300)
    token_url = models.URLField(_("địa chỉ cấp token OAuth2"), max_length=300, blank=True)
    client_id = models.CharField(_("OAuth client id"), max_length=200)
    client_secret_enc = models.TextField(blank=True, default="")
    timeout_seconds = models.PositiveIntegerField(_("thời gian chờ xác nhận (giây)"), default=300)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["unit_id", "name", "id"]
        verbose_name = _("nhà cung cấp ký số từ xa")
        verbose_name_plural = _("nhà cung cấp ký số từ xa")

    def __str__(self) -> str:
        return self.name


class RemoteCredential(models.Model):
    """A credential at a provider, linked to the Certificate registered to its holder: a person
    (`owner`, a personal certificate) or a school (`unit`, the school's seal certificate)."""

    provider = models.ForeignKey(RemoteProvider, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="remote_seals"
    )
    user_ref = models.CharField(_("mã người dùng tại nhà cung cấp"), max_length=200)
    credential_ref = models.CharField(_("mã chứng thư tại nhà cung cấp"), max_length=200)
    certificate = models.OneToOneField(
        Certificate, on_delete=models.PROTECT, related_name="remote_credential"
    )
    linked_at = models.DateTimeField()

    class Meta:
        verbose_name = _("chứng thư ký số từ xa")
        verbose_name_plural = _("chứng thư ký số từ xa")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "credential_ref"], name="one_link_per_remote_credential"
            ),
            models.CheckConstraint(
                condition=Q(owner__isnull=False, unit__isnull=True)
                | Q(owner__isnull=True, unit__isnull=False),
                name="remote_credential_has_one_holder",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.credential_ref} ({self.owner_id or f'unit {self.unit_id}'})"

    @property
    def is_seal(self) -> bool:
        return self.unit_id is not None


class Purpose(models.TextChoices):
    SIGN = "sign", _("Ký số")
    SEAL = "seal", _("Đóng dấu")


class RequestStatus(models.TextChoices):
    WAITING = "waiting", _("Đang chờ xác nhận trên điện thoại")
    SIGNING = "signing", _("Đã xác nhận, đang ký")
    DONE = "done", _("Xong")
    REFUSED = "refused", _("Bị từ chối trên điện thoại")
    EXPIRED = "expired", _("Hết thời gian chờ xác nhận")
    CANCELLED = "cancelled", _("Đã hủy")
    FAILED = "failed", _("Lỗi nhà cung cấp")


OPEN_STATUSES = (RequestStatus.WAITING, RequestStatus.SIGNING)


class RemoteRequest(models.Model):
    """One confirmation at the provider for `total` documents (numSignatures = total): a
    person signing with their own credential, or the văn thư sealing with the school's."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    credential = models.ForeignKey(RemoteCredential, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=40)
    purpose = models.CharField(max_length=10, choices=Purpose.choices, default=Purpose.SIGN)
    status = models.CharField(max_length=10, choices=RequestStatus.choices)
    message = models.CharField(max_length=500, blank=True, default="")
    handle_enc = models.TextField(blank=True, default="")  # provider authorization / SAD
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("yêu cầu ký số từ xa")
        verbose_name_plural = _("yêu cầu ký số từ xa")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"remote {self.pk} {self.status} ({self.done}/{self.total})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_seal(self) -> bool:
        return self.purpose == Purpose.SEAL


class ItemStatus(models.TextChoices):
    PENDING = "pending", _("Chờ")
    DONE = "done", _("Đã ký")
    FAILED = "failed", _("Không ký")


class RemoteRequestItem(models.Model):
    request = models.ForeignKey(RemoteRequest, on_delete=models.CASCADE, related_name="items")
    object_id = models.BigIntegerField()
    title = models.CharField(max_length=500)
    session_ref = models.BigIntegerField()  # the source's prepared two-phase session
    digest_b64 = models.CharField(max_length=100)  # SHA-256 the person confirms
    signed_attrs_b64 = models.TextField()  # the CMS signed attributes whose hash it is
    status = models.CharField(max_length=10, choices=ItemStatus.choices, default=ItemStatus.PENDING)
    message = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        verbose_name = _("văn bản trong yêu cầu ký từ xa")
        verbose_name_plural = _("văn bản trong yêu cầu ký từ xa")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.request_id}:{self.object_id} {self.status}"
