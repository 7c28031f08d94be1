"""Webhooks: an office's or a school's HTTPS endpoint, the events it hears about, and every
delivery with each of its attempts."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hoso.core.events import HOCBA_ISSUED, RECORD_ISSUED, REPORT_SUBMITTED
from hoso.org.models import Unit

PING = "ping"


class EventKind(models.TextChoices):
    RECORD_ISSUED = RECORD_ISSUED, _("Hồ sơ được ban hành")
    REPORT_SUBMITTED = REPORT_SUBMITTED, _("Báo cáo được nộp")
    HOCBA_ISSUED = HOCBA_ISSUED, _("Học bạ được ban hành")
    PING = PING, _("Sự kiện thử")


SUBSCRIBABLE = [EventKind.RECORD_ISSUED, EventKind.REPORT_SUBMITTED, EventKind.HOCBA_ISSUED]


class Endpoint(models.Model):
    """Where a unit (Sở, Phòng or school) wants to hear of events about itself and the units
    below it. The secret is sealed (hoso.core.secrets): it must be read back to sign."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("tên"), max_length=120)
    url = models.URLField(_("địa chỉ nhận"), max_length=500)
    secret_sealed = models.TextField()
    secret_hint = models.CharField(max_length=12)  # the first characters, to tell secrets apart
    events = models.JSONField(default=list)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["unit", "name", "pk"]
        verbose_name = _("điểm nhận webhook")
        verbose_name_plural = _("điểm nhận webhook")

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:  # never the secret
        return f"<Endpoint {self.pk} {self.url}>"

    def event_labels(self) -> list[str]:
        return [str(EventKind(kind).label) for kind in self.events if kind in EventKind.values]


class Event(models.Model):
    """One thing that happened about a unit, as sent (the body is built from it)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=32, choices=EventKind.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sự kiện")
        verbose_name_plural = _("sự kiện")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.uid}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Đang chờ gửi")
    SUCCEEDED = "succeeded", _("Đã gửi thành công")
    FAILED = "failed", _("Gửi thất bại")


class Delivery(models.Model):
    """An event on its way to one endpoint; retried with backoff until it succeeds or fails.
    A replay is a new delivery of the same event (`replay_of`)."""

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="deliveries")
    status = models.CharField(
        max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True, default="")
    replay_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lượt gửi sự kiện")
        verbose_name_plural = _("lượt gửi sự kiện")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.endpoint_id}"


class Attempt(models.Model):
    """One try of a delivery, logged whatever its outcome."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveSmallIntegerField()
    at = models.DateTimeField()
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True, default="")
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("lần thử gửi")
        verbose_name_plural = _("lần thử gửi")
        ordering = ["delivery", "number"]

    def __str__(self) -> str:
        return f"{self.delivery_id} #{self.number}"
