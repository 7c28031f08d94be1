"""Secrets at rest: sealed for one purpose, opened only for it and only with the same key."""

from __future__ import annotations

from typing import Any

import pytest

from hoso.core.secrets import SecretGone, seal, unseal


def test_a_sealed_passphrase_opens_for_its_purpose_and_is_not_stored_in_clear() -> None:
    token = seal("hoso-signing-batch", "mật khẩu ký")
    assert "mật khẩu" not in token
    assert unseal("hoso-signing-batch", token) == "mật khẩu ký"
    assert unseal("hoso-signing-batch", seal("hoso-signing-batch", "")) == ""


def test_a_value_sealed_for_one_purpose_does_not_open_for_another() -> None:
    token = seal("hoso-hocba-batch", "123456")
    with pytest.raises(SecretGone):
        unseal("hoso-signing-batch", token)


def test_a_new_secret_key_makes_old_values_unreadable(settings: Any) -> None:
    token = seal("hoso-signing-batch", "123456")
    settings.SECRET_KEY = "a-different-key-for-this-test"
    with pytest.raises(SecretGone):
        unseal("hoso-signing-batch", token)
    with pytest.raises(SecretGone):
        unseal("hoso-signing-batch", "not a token")
