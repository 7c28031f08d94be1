"""ArchiveTimestamp.input_sha256 → input_hash: the file before an issue time-stamp is not kept,
and `hoso scrub` treats every *sha256 column as a stored file (it reported them missing)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("signing", "0004_backend_remote")]

    operations = [
        migrations.RenameField(
            model_name="archivetimestamp", old_name="input_sha256", new_name="input_hash"
        ),
    ]
