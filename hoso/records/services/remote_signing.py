"""Records as a source of remote signing (ký số từ xa): the records side of
`hoso.signing.remote` — which records wait for the person's signature (or, for the văn thư's
remote seal, for their seal with the school's certificate), the two-phase prepare (locks the
step, holder and trust checks, appearance) and the completion (finishes the step, the chain,
issues). Registered from RecordsConfig.ready; signing never imports records."""

from __future__ import annotations

import base64
import json
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from hoso.core.errors import DomainError
from hoso.records.selectors import awaiting_personal_signature, awaiting_seal
from hoso.signing.remote.sources import PreparedDocument, register_source


def _steps() -> Any:
    """The signing steps of a record version (imported late: they import the workflow)."""
    from hoso.records.services import signing

    return signing


class RecordsRemoteSource:
    def prepare(
        self, *, actor: Any, object_ids: list[int], certificate: Any, ip: str, purpose: str
    ) -> tuple[list[PreparedDocument], list[tuple[int, str]]]:
        steps = _steps()
        if purpose == "seal":  # the school's seal: only that school's records
            titles = awaiting_seal(actor, object_ids, certificate.unit_id)
            not_waiting = _("Hồ sơ không chờ bạn đóng dấu bằng con dấu số này.")
        else:
            titles = awaiting_personal_signature(actor, object_ids)
            not_waiting = _("Hồ sơ không chờ bạn ký.")
        prepared: list[PreparedDocument] = []
        skipped: list[tuple[int, str]] = []
        for record_id in object_ids:
            if record_id not in titles:
                skipped.append((record_id, not_waiting))
                continue
            try:
                with transaction.atomic():
                    session, _digest = steps.version_sign_prepare(
                        actor=actor, record_id=record_id, certificate_id=certificate.pk, ip=ip
                    )
            except DomainError as exc:
                if len(object_ids) == 1:
                    raise
                skipped.append((record_id, exc.message))
                continue
            attrs = base64.b64decode(json.loads(session.state_json)["signed_attrs_b64"])
            prepared.append(PreparedDocument(record_id, titles[record_id], session.pk, attrs))
        return prepared, skipped

    def complete(
        self, *, actor: Any, object_id: int, session_ref: int, signature: bytes, ip: str
    ) -> None:
        _steps().version_sign_complete(
            actor=actor,
            record_id=object_id,
            session_id=session_ref,
            signature_b64=base64.b64encode(signature).decode("ascii"),
            ip=ip,
        )

    def discard(self, *, session_refs: list[int]) -> None:
        from hoso.signing.models import ExternalSession

        ExternalSession.objects.filter(pk__in=session_refs, completed_at__isnull=True).delete()


def register() -> None:
    register_source("records", RecordsRemoteSource())
