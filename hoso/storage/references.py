"""Which database columns point at blobs, found by introspection so that a new app's blob
columns are backed up, scrubbed and kept alive without registration."""

from __future__ import annotations

from collections.abc import Iterator

from django.apps import apps
from django.db import models


def blob_fields() -> Iterator[tuple[type[models.Model], str]]:
    """Every column holding a blob hash: by convention a CharField named `*sha256`."""
    for model in apps.get_models():
        for model_field in model._meta.get_fields():
            if isinstance(model_field, models.CharField) and model_field.name.endswith("sha256"):
                yield model, model_field.name
