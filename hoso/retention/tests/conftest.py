"""Destruction removes files, and the file store is not rolled back with the database: each
test works on its own copy of the data directory (blobs, keys), with a fresh search index."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def own_data_dir(settings: Any, tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(Path(settings.DATA_DIR), copy, ignore=shutil.ignore_patterns("search"))
    settings.DATA_DIR = str(copy)
    settings.HOSO_RETENTION_SWEEP_GRACE_SECONDS = 0  # test blobs were written seconds ago
    return copy
