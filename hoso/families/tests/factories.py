"""Parents for the tests: an account linked to a child, with or without a standing consent.

parent = parent_of(child, "fam.ph1")                 # linked and consented (web)
waiting = parent_of(child, "fam.ph2", consent=False)  # linked, no answer yet
"""

from __future__ import annotations

from typing import Any

from hoso.families.services.consent import consent_give
from hoso.grading.models import Guardian
from tests.factories import UserFactory


def consented(parent: Any, student: Any) -> None:
    """The parent's consent for the child, given on the web (through the service)."""
    consent_give(actor=parent, student=student)


def parent_of(student: Any, username: str, *, consent: bool = True, **fields: Any) -> Any:
    parent = UserFactory(username=username, first_name=fields.pop("first_name", "Phụ huynh"))
    Guardian.objects.create(user=parent, student=student, **fields)
    if consent:
        consented(parent, student)
    return parent
