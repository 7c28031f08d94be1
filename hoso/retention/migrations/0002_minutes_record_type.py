"""The record type "Biên bản tiêu hủy hồ sơ" (permanent), made by the destruction approval."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def add(apps: Any, schema_editor: Any) -> None:
    from hoso.retention.catalogue import ensure_minutes_type

    ensure_minutes_type(apps.get_model("records", "RecordType"))


class Migration(migrations.Migration):
    dependencies = [
        ("retention", "0001_initial"),
        ("records", "0002_catalogue_and_immutable_versions"),
    ]

    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
