"""Batch recovery after a worker crash (heartbeat, the signature each item applied) and
PKCS#12 key paths relative to the PKI directory, so a restore into another data directory
keeps signing."""

from pathlib import Path
from typing import Any

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def relative_key_paths(apps: Any, schema_editor: Any) -> None:
    """Absolute paths under DATA_DIR/pki become relative to it; paths elsewhere are kept (the
    operator placed those keys and must move them with the installation)."""
    certificate = apps.get_model("signing", "Certificate")
    pki = Path(settings.DATA_DIR).resolve() / "pki"
    for cert in certificate.objects.filter(backend="pkcs12").only("pk", "key_ref"):
        raw = str((cert.key_ref or {}).get("path", ""))
        if not raw or not Path(raw).is_absolute():
            continue
        try:
            relative = Path(raw).resolve().relative_to(pki)
        except ValueError:
            continue
        cert.key_ref = {**cert.key_ref, "path": relative.as_posix()}
        cert.save(update_fields=["key_ref"])


class Migration(migrations.Migration):
    dependencies = [
        ("signing", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="signbatch",
            name="heartbeat_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="signbatchitem",
            name="signature",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="signing.signaturerecord",
            ),
        ),
        migrations.RunPython(relative_key_paths, migrations.RunPython.noop),
    ]
