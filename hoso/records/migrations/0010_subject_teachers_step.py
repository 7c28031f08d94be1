"""The subject teachers' step (GVBM, many signers): room in `pending_keys` for the mark of each
signed subject, and the catalogue's chains of the class books (the score book: subject teachers
→ GVCN → principal → seal; the bảng tổng hợp: GVCN → principal → seal)."""

from typing import Any

from django.db import migrations, models


def load(apps: Any, schema_editor: Any) -> None:
    from hoso.records.catalogue import load_catalogue

    load_catalogue(apps.get_model("records", "RecordType"))


class Migration(migrations.Migration):
    dependencies = [("records", "0009_merge_0008_evidence_tags_0008_office_types")]

    operations = [
        migrations.AlterField(
            model_name="workflow",
            name="pending_keys",
            field=models.CharField(blank=True, default="", max_length=1000),
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
