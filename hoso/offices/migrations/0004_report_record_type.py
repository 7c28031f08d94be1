"""Reload the office types: adds VP.BCDV (a school's report sent up) and marks letters,
decisions and reports as one document per upload (due_rule each_upload)."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def load(apps: Any, _schema_editor: Any) -> None:
    from hoso.offices.catalogue import load_office_types

    load_office_types(apps.get_model("records", "RecordType"))


class Migration(migrations.Migration):
    dependencies = [("offices", "0003_reports")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
