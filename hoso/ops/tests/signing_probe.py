"""Run inside a restored installation (python -m hoso.ops.tests.signing_probe): the principal
of th1 signs the first record waiting for them with the demo passphrase; prints JSON."""

from __future__ import annotations

import json
from typing import Any


def probe() -> dict[str, Any]:
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from hoso.records.models import RecordVersion
    from hoso.records.services.signing import version_sign
    from hoso.signing import conf
    from hoso.signing.documents import key_path, read_blob
    from hoso.signing.engine.validate import pdfsig_all_intact
    from hoso.signing.models import Backend, Certificate, SignatureRecord
    from hoso.signing.selectors import sign_queue

    principal = get_user_model().objects.get(username="th1.hieutruong")
    refs = [c.key_ref.get("path", "") for c in Certificate.objects.filter(backend=Backend.PKCS12)]
    cert = Certificate.objects.get(owner=principal)
    workflow = sign_queue(principal).order_by("record_id").first()
    assert workflow is not None, "no record waiting for the principal"
    signature = version_sign(
        actor=principal, record_id=workflow.record_id, passphrase=settings.DEMO_PASSWORD
    )
    signed = read_blob(RecordVersion.objects.get(pk=workflow.version_id).signed_sha256)
    # the author's signature may be on it already (a ký duyệt step going to the school's leaders)
    signatures = SignatureRecord.objects.filter(version_id=workflow.version_id).count()
    return {
        "relative": all(ref and not ref.startswith("/") for ref in refs),
        "keys": len(refs),
        "key_under_pki": str(key_path(cert)).startswith(str(conf.pki_dir())),
        "signature": signature.pk,
        "intact": pdfsig_all_intact(signed, signatures),
    }


def main() -> None:
    import django

    django.setup()
    print(json.dumps(probe()))  # noqa: T201 — the output is the JSON


if __name__ == "__main__":
    main()
