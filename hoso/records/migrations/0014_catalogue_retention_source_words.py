"""The catalogue's retention source says in Vietnamese that TT 08/2025 is not yet checked
against the original ("— chưa đối chiếu với văn bản gốc", shown on the retention page), where it
said UNCONFIRMED: the national types are loaded again from data/catalogue.json."""

from typing import Any

from django.db import migrations


def load(apps: Any, schema_editor: Any) -> None:
    from hoso.records.catalogue import load_catalogue

    load_catalogue(apps.get_model("records", "RecordType"))


class Migration(migrations.Migration):
    dependencies = [("records", "0013_type_retired_from")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
