"""A person's số định danh cá nhân as a given viewer may see it: whole for those the policy
`org.personal_id.view` names (hoso/org/csdl/policies.py), masked for everyone else."""

from __future__ import annotations

from typing import Any

from hoso.org.models import Staff, Student
from hoso.org.particulars import mask_personal_id
from hoso.policy import can


def shown_personal_id(viewer: Any, person: Student | Staff) -> str:
    if not person.personal_id:
        return ""
    if can(viewer, "org.personal_id.view", person):
        return person.personal_id
    return mask_personal_id(person.personal_id)
