"""Reload the office types: adds the biên bản kiểm tra of a Phòng and of a Sở."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def load(apps: Any, _schema_editor: Any) -> None:
    from hoso.offices.catalogue import load_office_types

    load_office_types(apps.get_model("records", "RecordType"))


class Migration(migrations.Migration):
    dependencies = [("offices", "0005_inspections")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
