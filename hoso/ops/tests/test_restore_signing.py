"""A backup restored into ANOTHER data directory keeps signing: the PKCS#12 keys travel with
the backup (DATA_DIR/pki) and certificates point at them relative to the PKI directory."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from hoso.ops.tests.test_drill import _env, _hoso, _run, databases

__all__ = ["databases"]  # the fixture: two empty databases (SQLite files or PostgreSQL)


@pytest.mark.django_db(transaction=False)
def test_restored_installation_signs_with_its_own_copy_of_the_keys(
    tmp_path: Path, databases: Any
) -> None:
    # Given the demo installation backed up, restored elsewhere, and the original gone
    src = _env(tmp_path / "src", databases[0])
    _hoso(src, "migrate", "-v0")
    _hoso(src, "demo")
    _hoso(src, "backup", str(tmp_path / "backup"))
    dst = _env(tmp_path / "dst", databases[1])
    _hoso(dst, "restore", str(tmp_path / "backup"))
    shutil.rmtree(tmp_path / "src")

    # When the principal signs in the restored installation
    out = _run(dst, "-m", "hoso.ops.tests.signing_probe").stdout.strip().splitlines()[-1]
    result = json.loads(out)

    # Then the key was found under the new PKI directory and the signature is intact
    assert result["keys"] > 10 and result["relative"] is True
    assert result["key_under_pki"] is True
    assert result["signature"] > 0 and result["intact"] is True
