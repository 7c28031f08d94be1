"""`delete` exists for the destruction of records only: explicit, idempotent, and it leaves
alone a blob that was stored again after the caller checked its references."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pytest

from hoso.storage import LocalBlobStore


def test_delete_needs_a_destruction_and_is_idempotent(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    ref = store.put(io.BytesIO(b"bien ban"))
    with pytest.raises(ValueError):
        store.delete(ref.sha256, destruction="")
    assert store.exists(ref.sha256)

    assert store.delete(ref.sha256, destruction="đề nghị 1") is True
    assert not store.exists(ref.sha256)
    assert store.delete(ref.sha256, destruction="đề nghị 1") is False  # a re-run


def test_a_blob_stored_again_after_the_check_is_kept(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    ref = store.put(io.BytesIO(b"noi dung dung chung"))
    old = time.time() - 7200
    os.utime(store.path_for(ref.sha256), (old, old))
    checked_at = time.time() - 1

    store.put(io.BytesIO(b"noi dung dung chung"))  # a duplicate upload touches it

    assert store.delete(ref.sha256, destruction="đề nghị 2", untouched_since=checked_at) is False
    assert store.exists(ref.sha256)
    assert store.verify(ref.sha256)


def test_an_old_untouched_blob_is_removed(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    ref = store.put(io.BytesIO(b"ke hoach bai day 2018"))
    old = time.time() - 7200
    os.utime(store.path_for(ref.sha256), (old, old))

    assert store.delete(ref.sha256, destruction="đề nghị 3", untouched_since=time.time() - 3600)
    assert not store.exists(ref.sha256)
