"""Who manages certificates and who sees signatures."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from hoso.org.models import Role, Unit
from hoso.policy.grants import Grants
from hoso.policy.registry import register
from hoso.signing.models import Certificate, CertKind

SEAL_MANAGERS = frozenset({Role.HT, Role.VT})


def _seal_manage(grants: Grants, _user: Any, unit: Unit) -> bool:
    """Register or retire the seal certificate of a school: its principal or văn thư."""
    return grants.is_admin or unit.pk in grants.schools(SEAL_MANAGERS)


def _certificate_manage(grants: Grants, user: Any, cert: Certificate) -> bool:
    if cert.kind == CertKind.PERSONAL:
        return bool(cert.owner_id == user.pk)
    return grants.is_admin or cert.unit_id in grants.schools(SEAL_MANAGERS)


def _certificate_scope(grants: Grants, user: Any) -> Q:
    seals = Q(kind=CertKind.SEAL, unit_id__in=grants.schools(SEAL_MANAGERS))
    if grants.is_admin:
        seals = Q(kind=CertKind.SEAL)
    return Q(owner_id=user.pk) | seals


def _batch_view(_grants: Grants, user: Any, batch: Any) -> bool:
    return bool(batch.user_id == user.pk)


def _batch_scope(_grants: Grants, user: Any) -> Q:
    return Q(user_id=user.pk)


def register_all() -> None:
    register("signing.batch.view", _batch_view, _batch_scope)
    register("signing.seal.manage", _seal_manage)
    register("signing.certificate.manage", _certificate_manage, _certificate_scope)
