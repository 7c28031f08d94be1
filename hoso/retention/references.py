"""Which stored files are still in use. A row of a destroyed record refers to a file that was
removed on purpose: it is not a live reference (the scrub must not call it missing, and the
destruction sweep may remove a file only when no live row refers to it)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Model, QuerySet

from hoso.storage import blob_fields

# Models whose rows belong to a record, by the lookup path to that record.
RECORD_PATH: dict[str, str] = {
    "records.RecordVersion": "record",
    "signing.SignatureRecord": "version__record",
    "signing.ExternalSession": "record",
}
_CHUNK = 500


def live_rows(model: type[Model]) -> QuerySet[Any]:
    """All rows of `model` except those of destroyed records."""
    rows = model._base_manager.all()
    path = RECORD_PATH.get(model._meta.label)
    if path is not None:
        rows = rows.filter(**{f"{path}__destruction__isnull": True})
    return rows


def live_references(hashes: Iterable[str]) -> set[str]:
    """The subset of `hashes` that some live row still refers to."""
    wanted = sorted(set(hashes))
    found: set[str] = set()
    for model, name in blob_fields():
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            rows = live_rows(model).filter(**{f"{name}__in": chunk})
            found.update(rows.values_list(name, flat=True))
    return found
