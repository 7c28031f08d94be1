"""The record types kept by a Phòng or Sở (data/office_types.json)."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def load(apps: Any, _schema_editor: Any) -> None:
    from hoso.offices.catalogue import load_office_types

    load_office_types(apps.get_model("records", "RecordType"))


class Migration(migrations.Migration):
    dependencies = [
        ("offices", "0001_initial"),
        ("records", "0004_alter_recordtype_keeper"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
