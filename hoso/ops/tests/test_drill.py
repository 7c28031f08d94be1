"""The backup/restore drill with real processes: demo province → backup → restore into a
fresh installation → identical files, valid signatures, an intact audit chain, equal rows; and
the restored installation signs with its own copy of the keys."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from hoso.ops.tests.pg import admin_sql

PYTHON = sys.executable

# Installations built in child processes: minutes. The drill's demo is loaded there; the test
# database of this process only tells where to make the drill's own databases, so it needs no
# demo of its own (own_world).
pytestmark = [pytest.mark.long, pytest.mark.own_world]


def _env(data_dir: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HOSO_", "DJANGO_"))}
    env.update(
        HOSO_DATA_DIR=str(data_dir),
        HOSO_DEMO_MODE="1",
        HOSO_TASKS_IMMEDIATE="1",
        DJANGO_SETTINGS_MODULE="hoso.settings",
        HOSO_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        DATABASE_URL=database_url,
    )
    return env


def _run(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [PYTHON, *args], env=env, capture_output=True, text=True, timeout=600, check=False
    )
    if check and result.returncode != 0:
        raise AssertionError(f"{args} failed:\n{result.stdout}\n{result.stderr[-4000:]}")
    return result


def _hoso(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return _run(env, "-m", "hoso.cli", *args, check=check)


def _json(env: dict[str, str], *args: str) -> Any:
    return json.loads(
        _run(env, "-m", "hoso.ops.tests.drill", *args).stdout.strip().splitlines()[-1]
    )


@contextmanager
def _two_databases(directory: Path) -> Iterator[tuple[str, str]]:
    """Two database URLs: the source installation and an empty one to restore into."""
    if connection.vendor != "postgresql":
        yield (
            f"sqlite:///{directory / 'src' / 'hoso.sqlite3'}",
            f"sqlite:///{directory / 'dst' / 'hoso.sqlite3'}",
        )
        return
    base = dict(connection.settings_dict)
    names = [f"hoso_drill_{uuid.uuid4().hex[:8]}" for _ in range(2)]
    auth = f"{base['USER']}:{base['PASSWORD']}@" if base.get("PASSWORD") else f"{base['USER']}@"
    host = f"{base['HOST'] or '127.0.0.1'}:{base['PORT'] or 5432}"
    for name in names:
        admin_sql(f'CREATE DATABASE "{name}"')
    try:
        yield (f"postgres://{auth}{host}/{names[0]}", f"postgres://{auth}{host}/{names[1]}")
    finally:
        for name in names:
            admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def databases(tmp_path: Path) -> Iterator[tuple[str, str]]:
    with _two_databases(tmp_path) as urls:
        yield urls


@dataclass
class Drill:
    directory: Path
    src: dict[str, str]
    dst: dict[str, str]
    seeded: dict[str, Any]
    before: dict[str, Any]  # the source's fingerprint, taken before the backup
    restored: subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def drill(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Drill]:
    """The demo province with stored files, a signed PDF and audit entries, backed up and
    restored into an empty installation: built once for the tests of this module (migrate,
    demo, backup and restore in child processes take a minute or more)."""
    directory = tmp_path_factory.mktemp("drill")
    with _two_databases(directory) as urls:
        src = _env(directory / "src", urls[0])
        _hoso(src, "migrate", "-v0")
        _hoso(src, "demo")
        seeded = _json(src, "seed")
        before = _json(src, "fingerprint", seeded["signed_pdf"])
        _hoso(src, "backup", str(directory / "backup"))
        dst = _env(directory / "dst", urls[1])
        restored = _hoso(dst, "restore", str(directory / "backup"))
        yield Drill(directory, src, dst, seeded, before, restored)


@pytest.mark.django_db(transaction=False)
def test_backup_of_the_demo_restores_into_an_empty_installation(drill: Drill):
    # Given the demo province with stored files, a signed PDF and audit entries
    # When it is backed up and restored into a fresh data directory and database (the fixture)
    seeded, before, restored, dst = drill.seeded, drill.before, drill.restored, drill.dst

    # Then everything that matters is identical and verified
    after = _json(dst, "fingerprint", seeded["signed_pdf"])
    assert "Đã khôi phục" in restored.stdout
    assert before["audit_problem"] is None and after["audit_problem"] is None
    assert before["audit_checked"] > 5
    assert after["blobs"] == before["blobs"] and set(seeded["blobs"]) <= set(after["blobs"])
    assert after["blobs_intact"] is True
    assert after["rows"] == before["rows"] and after["rows"]["org_unit"] > 5
    assert after["audit_head"] == before["audit_head"]
    assert after["secret_key"] == before["secret_key"]
    if seeded["signed_pdf"]:
        assert before["signature_valid"] is True and after["signature_valid"] is True
    # And search works at once: the index (not in the backup) was rebuilt by the restore
    assert "chỉ mục tìm kiếm lập lại" in restored.stdout
    probe = _json(dst, "search")
    assert probe["found"] is True, probe

    # And a second restore into the now non-empty installation is refused, in Vietnamese,
    # leaving its rows as they were (taken again here: another test of the module may have
    # signed in the restored installation meanwhile)
    rows = _json(dst, "fingerprint")["rows"]
    again = _hoso(dst, "restore", str(drill.directory / "backup"), check=False)
    assert again.returncode != 0
    assert "Không khôi phục: cài đặt này đã có dữ liệu" in again.stderr
    assert _json(dst, "fingerprint")["rows"] == rows


@pytest.mark.django_db(transaction=False)
def test_restored_installation_signs_with_its_own_copy_of_the_keys(drill: Drill) -> None:
    """A backup restored into ANOTHER data directory keeps signing: the PKCS#12 keys travel
    with the backup (DATA_DIR/pki) and certificates point at them relative to the PKI
    directory."""
    # Given the demo installation backed up, restored elsewhere (the fixture), the original gone
    shutil.rmtree(drill.directory / "src", ignore_errors=True)

    # When the principal signs in the restored installation
    out = _run(drill.dst, "-m", "hoso.ops.tests.signing_probe").stdout.strip().splitlines()[-1]
    result = json.loads(out)

    # Then the key was found under the new PKI directory and the signature is intact
    assert result["keys"] > 10 and result["relative"] is True
    assert result["key_under_pki"] is True
    assert result["signature"] > 0 and result["intact"] is True


@pytest.mark.django_db(transaction=False)
def test_a_tampered_backup_is_refused_before_anything_is_written(tmp_path: Path, databases: Any):
    src = _env(tmp_path / "src", databases[0])
    _hoso(src, "migrate", "-v0")
    seeded = _json(src, "seed")
    _hoso(src, "backup", str(tmp_path / "backup"))
    sha = seeded["blobs"][0]
    blob = tmp_path / "backup" / "blobs" / sha[:2] / sha[2:4] / sha
    blob.chmod(0o644)
    blob.write_bytes(b"bit rot")

    dst = _env(tmp_path / "dst", databases[1])
    result = _hoso(dst, "restore", str(tmp_path / "backup"), check=False)

    assert result.returncode != 0
    assert f"tệp blobs/{sha[:2]}/{sha[2:4]}/{sha} đã bị thay đổi" in result.stderr
    assert not (tmp_path / "dst" / "blobs").exists()
