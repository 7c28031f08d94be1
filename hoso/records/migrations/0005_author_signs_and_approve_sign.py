"""Authors sign their own records ("Ký và trình") and group leaders ký duyệt: the approve-sign
step action (12 characters), the "withdrawn" event, and the catalogue's new default chains."""

from typing import Any

from django.db import migrations, models


def load(apps: Any, schema_editor: Any) -> None:
    from hoso.records.catalogue import load_catalogue

    load_catalogue(apps.get_model("records", "RecordType"))


class Migration(migrations.Migration):
    dependencies = [("records", "0004_alter_recordtype_keeper")]

    operations = [
        migrations.AlterField(
            model_name="recordevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("uploaded", "Tải lên phiên bản"),
                    ("submitted", "Trình duyệt"),
                    ("reviewed", "Duyệt bước"),
                    ("approved", "Đã duyệt"),
                    ("returned", "Trả lại"),
                    ("withdrawn", "Rút lại"),
                    ("signed", "Ký số"),
                    ("sealed", "Đóng dấu"),
                    ("issued", "Ban hành"),
                    ("archived", "Lưu trữ"),
                    ("commented", "Góp ý"),
                ],
                max_length=10,
            ),
        ),
        migrations.AlterField(
            model_name="workflow",
            name="pending_action",
            field=models.CharField(blank=True, default="", max_length=16),
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
