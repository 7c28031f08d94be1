"""Issue 13 item 8: the audit chain anchored outside the database by TSA time-stamps. A chain
rewritten consistently — entries and head — passes the chain check but not the anchors, and
`hoso audit verify` names the first entry that no longer matches."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from hoso.accounts.tests.factories import demo_accounts
from hoso.audit import anchors
from hoso.audit.models import AuditEntry, AuditHead
from hoso.audit.services import audit_log, canonical_json, entry_hash
from hoso.audit.verify import verify_all, verify_chain
from hoso.core.errors import DomainError
from hoso.org.models import Role
from hoso.signing.engine import pki
from hoso.signing.engine.localservices import LocalTrustServices
from tests.factories import UserFactory, grant, login, school_world

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture(autouse=True)
def admin(settings: Any) -> Any:
    """An administrator of a small school world (whose making wrote the first audit entries)."""
    settings.DEMO_MODE = True  # a demo account, as the demo's admin: not asked for two factors
    world = school_world("an")
    person = UserFactory(username="an.admin", is_staff=True, is_superuser=True)
    grant(person, Role.QTHT, world.units["so"])
    demo_accounts([person])
    return person


@pytest.fixture(scope="module")
def tsa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    directory = tmp_path_factory.mktemp("tsa-pki")
    ca = pki.create_demo_ca(directory)
    with LocalTrustServices(ca) as services:
        yield services.tsa_url, directory


@pytest.fixture
def anchored(settings: Any, tsa: tuple[str, Path], tmp_path: Path) -> Path:
    url, pki_dir = tsa
    settings.HOSO_SIGNING_TSA_URL = url
    settings.HOSO_SIGNING_TRUST_ANCHORS = [str(pki_dir / "root.pem")]
    settings.HOSO_SIGNING_INTERMEDIATES = [str(pki_dir / "intermediate.pem")]
    settings.HOSO_AUDIT_ANCHOR_DIR = str(tmp_path / "anchors")
    return tmp_path / "anchors"


def _append(n: int) -> list[AuditEntry]:
    return [audit_log("tests.event", actor_name="tester", data={"n": i}) for i in range(n)]


def _rewrite_consistently(from_seq: int) -> None:
    """What a database administrator can do: change one entry, recompute every later hash and
    the head, so that the chain itself is valid again."""
    entries = list(AuditEntry.objects.filter(seq__gte=from_seq).order_by("seq"))
    prev = AuditEntry.objects.get(seq=from_seq - 1).hash
    entries[0].data = canonical_json({"n": "viết lại"})
    with connection.cursor() as cursor:
        for entry in entries:
            entry.prev_hash = prev
            entry.hash = entry_hash(entry)
            cursor.execute(
                "UPDATE audit_auditentry SET data = %s, prev_hash = %s, hash = %s WHERE seq = %s",
                [entry.data, entry.prev_hash, "tmp-" + entry.hash[:60], entry.seq],
            )
            prev = entry.hash
        for entry in entries:  # hash is unique: two passes
            cursor.execute(
                "UPDATE audit_auditentry SET hash = %s WHERE seq = %s", [entry.hash, entry.seq]
            )
    AuditHead.objects.filter(pk=1).update(last_hash=prev)


def test_anchor_then_verify_passes_and_lists_it(anchored: Path, admin: Any) -> None:
    first = anchors.anchor_now()
    _append(3)
    second = anchors.anchor_now()

    assert first is not None and second is not None
    assert second.from_seq == first.to_seq + 1
    assert second.stamped_at is not None
    assert sorted(p.name for p in anchored.iterdir()) == sorted(
        [f"{first.to_seq:012d}.json.gz", f"{first.to_seq:012d}.tsr"]
        + [f"{second.to_seq:012d}.json.gz", f"{second.to_seq:012d}.tsr"]
    )
    checked, problem, count = verify_all()
    assert problem is None and count == 2
    html = login(admin).get("/nhat-ky/").content.decode()
    assert f"#{second.from_seq}–#{second.to_seq}" in html


def test_nothing_new_means_no_new_anchor(anchored: Path) -> None:
    anchors.anchor_now()
    # the anchor itself is audited: one entry after it, then nothing
    anchors.anchor_now()

    assert anchors.anchor_now() is None


def test_a_consistent_rewrite_is_detected_and_the_first_entry_named(
    anchored: Path, capsys: Any
) -> None:
    entries = _append(5)
    anchors.anchor_now()
    _append(2)  # after the anchor: not covered yet, still checked by the chain
    target = entries[2].seq

    _rewrite_consistently(target)

    assert verify_chain()[1] is None  # the chain alone cannot tell
    _, problem, _ = verify_all()
    assert problem is not None and problem.seq == target
    assert "viết lại" in problem.reason
    with pytest.raises(CommandError, match=f"mục #{target}:"):
        call_command("audit_verify")


def test_an_edited_anchor_file_is_detected(anchored: Path) -> None:
    anchor = anchors.anchor_now()
    assert anchor is not None
    document = json.loads(anchors.gzip.decompress(anchor.path.read_bytes()))
    document["entries"][-1][1] = "0" * 64
    anchor.path.write_bytes(anchors.gzip.compress(json.dumps(document).encode(), mtime=0))

    _, problem, _ = verify_all()

    assert problem is not None and "tệp mốc đã bị sửa" in problem.reason


def test_a_deleted_anchor_leaves_a_gap(anchored: Path) -> None:
    first = anchors.anchor_now()
    _append(2)
    anchors.anchor_now()
    assert first is not None
    first.path.unlink()

    _, problem, _ = verify_all()

    assert problem is not None and problem.seq == 1 and "thiếu mốc neo" in problem.reason


def test_without_a_tsa_there_is_a_clear_refusal(settings: Any, tmp_path: Path) -> None:
    settings.HOSO_SIGNING_TSA_URL = ""
    settings.HOSO_AUDIT_ANCHOR_DIR = str(tmp_path)

    with pytest.raises(DomainError, match="HOSO_SIGNING_TSA_URL"):
        anchors.anchor_now()
    with pytest.raises(CommandError, match="HOSO_SIGNING_TSA_URL"):
        call_command("audit_anchor")


def test_anchors_are_copied_by_the_backup(anchored: Path, settings: Any, tmp_path: Path) -> None:
    import shutil

    from hoso.ops.backup import _copy_extra
    from hoso.ops.manifest import Manifest

    settings.HOSO_AUDIT_ANCHOR_DIR = ""  # the default: DATA_DIR/audit-anchors
    anchor = anchors.anchor_now()
    assert anchor is not None and anchor.path.parent == Path(settings.DATA_DIR) / "audit-anchors"
    manifest = Manifest(created_at="", database={}, row_counts={}, audit={})
    try:
        _copy_extra(tmp_path / "backup", manifest)
    finally:
        shutil.rmtree(anchor.path.parent)

    stem = f"data/audit-anchors/{anchor.to_seq:012d}"
    assert {stem + ".json.gz", stem + ".tsr"} <= set(manifest.files)


def test_a_token_from_an_untrusted_tsa_is_refused(
    anchored: Path, settings: Any, tmp_path: Path
) -> None:
    anchors.anchor_now()
    other = pki.create_demo_ca(tmp_path / "other-pki")  # someone else's root
    settings.HOSO_SIGNING_TRUST_ANCHORS = [str(tmp_path / "other-pki" / "root.pem")]
    settings.HOSO_SIGNING_INTERMEDIATES = [str(tmp_path / "other-pki" / "intermediate.pem")]
    assert other.root is not None

    _, problem, _ = verify_all()

    assert problem is not None and "không do TSA tin cậy ký" in problem.reason
