"""Helpers run in child processes by the backup/restore drill (python -m hoso.ops.tests.drill).

`seed`: add files to the blob store (one a PAdES-signed PDF when the signing engine is
present) and audit entries; `fingerprint`: print what must be identical after a restore.
"""

from __future__ import annotations

import io
import json
import sys
import tempfile
from pathlib import Path
from typing import Any


def seed() -> dict[str, Any]:
    from hoso.audit.services import audit_log
    from hoso.storage import blob_store

    store = blob_store()
    hashes = [store.put(io.BytesIO(f"tệp thử {i}".encode() * (i + 1))).sha256 for i in range(5)]
    signed = _signed_pdf()
    signed_sha = store.put(io.BytesIO(signed)).sha256 if signed else ""
    for sha in hashes:
        audit_log("ops.drill.seeded", actor_name="drill", data={"sha256": sha})
    return {"blobs": hashes, "signed_pdf": signed_sha}


def _signed_pdf() -> bytes:
    try:
        from hoso.signing.engine import pki
        from hoso.signing.engine.sign import sign_pdf
        from hoso.signing.engine.signers import Pkcs12Signer
        from hoso.signing.engine.testdocs import sample_pdf
    except ImportError:  # the signing engine is not part of this installation
        return b""
    ca = pki.create_demo_ca(Path(tempfile.mkdtemp(prefix="drill-pki-")))
    person = pki.issue_person_cert(ca, "Nguyễn Văn Thêm", organisation="Trường Tiểu học Nguyễn Du")
    signer = Pkcs12Signer(pki.export_pkcs12(person, ca, "drill-pass"), "drill-pass")
    return sign_pdf(sample_pdf(), signer)


def fingerprint(signed_sha: str = "") -> dict[str, Any]:
    from hoso.audit.models import AuditHead
    from hoso.audit.verify import verify_chain
    from hoso.ops import conf
    from hoso.ops.database import row_counts
    from hoso.storage import blob_store

    store = blob_store()
    blobs = sorted(ref.sha256 for ref in store.iter_all())
    checked, problem = verify_chain()
    head = AuditHead.objects.get(pk=1)
    result: dict[str, Any] = {
        "blobs": blobs,
        "blobs_intact": all(store.verify(sha) for sha in blobs),
        "rows": row_counts(),
        "audit_checked": checked,
        "audit_problem": None if problem is None else problem.reason,
        "audit_head": [head.last_seq, head.last_hash],
        "secret_key": conf.secret_key_file().read_text("utf-8"),
    }
    if signed_sha:
        from hoso.signing.engine.validate import pdfsig_all_intact

        result["signature_valid"] = pdfsig_all_intact(str(store.path_for(signed_sha)), expected=1)
    return result


def search_probe() -> dict[str, Any]:
    """Search a demo record's title, typed without accents, as the administrator."""
    from django.contrib.auth import get_user_model

    from hoso.records.models import Record
    from hoso.records.search_index import search_record_ids
    from hoso.search.folding import fold

    record = Record.objects.exclude(versions=None).order_by("-pk").first()
    assert record is not None, "the demo has records with versions"
    admin = get_user_model().objects.get(username="admin")
    ids, _total = search_record_ids(admin, fold(record.title), limit=100)
    return {"record": record.pk, "found": record.pk in ids}


def main() -> None:
    import django

    django.setup()
    command = sys.argv[1]
    if command == "search":
        output = search_probe()
    else:
        output = seed() if command == "seed" else fingerprint(*sys.argv[2:])
    print(json.dumps(output, ensure_ascii=False))  # noqa: T201 — the output is the JSON


if __name__ == "__main__":
    main()
