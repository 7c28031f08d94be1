"""Claims of the stand-in provider's ID tokens: the person's e-mail and whether the provider
verified it (people.json, written by control.setup), and, when a test asks for a misbehaving
provider, claims overridden after signing's other claims (tamper.json: a wrong audience, a
wrong nonce), still signed with the provider's key as a real answer would be."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from oauth2_provider.oauth2_validators import OAuth2Validator


def _read(name: str) -> dict[str, Any]:
    path = settings.DATA / name
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


class StandInValidator(OAuth2Validator):
    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        person = _read("people.json").get(request.user.username, {})
        return {
            "email": request.user.email,
            "email_verified": bool(person.get("email_verified", False)),
            "name": request.user.first_name,
            "preferred_username": request.user.username,
        }

    def get_id_token_dictionary(self, token: Any, token_handler: Any, request: Any) -> Any:
        claims, expiration_time = super().get_id_token_dictionary(token, token_handler, request)
        claims.update(_read("tamper.json"))
        return claims, expiration_time
