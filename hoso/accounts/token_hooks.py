"""Revoke a person's API tokens when their password changes or an administrator locks the
account (unticks "Hoạt động"), whichever face did it: Django admin, allauth's password pages,
`hoso changepassword`. These changes happen inside libraries, so the user model's save is the
one place that sees them all."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save, pre_save

from hoso.accounts.services import api_tokens_revoke_all
from hoso.accounts.tokens import Reason

_WATCHED = {"password", "is_active"}


def _before_save(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    instance._hoso_token_revoke = None
    if instance.pk is None or (update_fields is not None and not _WATCHED & set(update_fields)):
        return
    old = sender.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if old is None:
        return
    if old["is_active"] and not instance.is_active:
        instance._hoso_token_revoke = Reason.LOCKED
    # set_password() leaves the new raw password in _password until the save; a hash upgraded
    # by check_password() (a newer hasher) does not, and is not a change of password.
    elif old["password"] != instance.password and getattr(instance, "_password", None):
        instance._hoso_token_revoke = Reason.PASSWORD


def _after_save(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    reason = getattr(instance, "_hoso_token_revoke", None)
    if reason:
        instance._hoso_token_revoke = None
        api_tokens_revoke_all(user=instance, reason=reason)


def connect() -> None:
    user_model = get_user_model()
    pre_save.connect(_before_save, sender=user_model, dispatch_uid="hoso_tokens_before_save")
    post_save.connect(_after_save, sender=user_model, dispatch_uid="hoso_tokens_after_save")
