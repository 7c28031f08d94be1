"""The key choice of a signature with a server-side key, as the API receives it."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from hoso.core.api import id_field


class SignIn(serializers.Serializer[Any]):
    passphrase = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    pin = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    certificate = id_field(required=False)
