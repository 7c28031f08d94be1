"""Notifications: a row in the app (unread count in the menu) and an e-mail sent by a
background task after the transaction commits."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.utils import timezone

from hoso.core.scheduling import later
from hoso.records.models import Notification


def notify(users: Iterable[Any], *, title: str, body: str = "", url: str = "") -> list[int]:
    """Create one notification per distinct user; e-mail each after commit."""
    now = timezone.now()
    seen: set[int] = set()
    rows = []
    for user in users:
        user_id = user if isinstance(user, int) else user.pk
        if user_id in seen:
            continue
        seen.add(user_id)
        rows.append(
            Notification(user_id=user_id, title=title[:200], body=body, url=url, created_at=now)
        )
    created = Notification.objects.bulk_create(rows)
    ids = [n.pk for n in created if n.pk is not None]
    if not ids:  # backends that do not return ids from bulk_create
        ids = list(
            Notification.objects.filter(
                user_id__in=seen, created_at=now, title=title[:200]
            ).values_list("pk", flat=True)
        )
    from hoso.records.tasks import email_notifications

    later(email_notifications, ids)
    return ids


def email_address(user: Any) -> str:
    staff = getattr(user, "staff", None)
    return str(user.email or (staff.email if staff is not None else ""))


def notifications_email(ids: list[int]) -> int:
    """Send the e-mails of these notifications once each; returns how many were sent."""
    sent = 0
    user_model = get_user_model()
    for note in Notification.objects.filter(pk__in=ids, emailed_at__isnull=True):
        user = user_model.objects.select_related("staff").filter(pk=note.user_id).first()
        address = email_address(user) if user is not None else ""
        if not address:
            continue
        base = getattr(settings, "HOSO_BASE_URL", "http://127.0.0.1:8000")
        body = f"{note.body}\n\n{base}{note.url}\n\n— HoSo" if note.url else note.body
        send_mail(f"[HoSo] {note.title}", body, settings.DEFAULT_FROM_EMAIL, [address])
        # Marked only after the send: a crash resends rather than loses a reminder.
        Notification.objects.filter(pk=note.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        sent += 1
    return sent


def unread_count(user: Any) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_mark_read(*, actor: Any, ids: list[int] | None = None) -> int:
    items = Notification.objects.filter(user=actor, read_at__isnull=True)
    if ids is not None:
        items = items.filter(pk__in=ids)
    return items.update(read_at=timezone.now())
