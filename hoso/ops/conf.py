"""Operations settings, read at call time (tests and commands change them)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings


def data_dir() -> Path:
    return Path(settings.DATA_DIR)


def secret_key_file() -> Path:
    return data_dir() / "secret_key"


def backup_dir() -> Path | None:
    value = str(getattr(settings, "HOSO_BACKUP_DIR", "") or "")
    return Path(value) if value else None


def backup_second_dir() -> Path | None:
    value = str(getattr(settings, "HOSO_BACKUP_SECOND_DIR", "") or "")
    return Path(value) if value else None


def backup_keep() -> int:
    return max(1, int(getattr(settings, "HOSO_BACKUP_KEEP", 7)))


def backup_hour() -> int:
    return int(getattr(settings, "HOSO_BACKUP_HOUR", 2))
