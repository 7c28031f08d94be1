"""The English catalogue is complete: every string HoSo's code and templates mark for
translation (Vietnamese, the source language) has an English translation in
hoso/locale/en/LC_MESSAGES/django.po, and the compiled django.mo is that file's."""

from __future__ import annotations

import gettext
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

HOSO = Path(settings.BASE_DIR) / "hoso"
EN = HOSO / "locale" / "en" / "LC_MESSAGES"
SOURCES = ("*.py", "*.html", "*.txt")

pytestmark = pytest.mark.skipif(shutil.which("msgen") is None, reason="gettext tools missing")


def _extracted(tmp_path: Path, settings: object) -> set[object]:
    """The msgids makemessages finds now, in a copy of the tree (the real catalogue is not
    touched): the keys of a catalogue whose every translation is its msgid (msgen)."""
    copy = tmp_path / "hoso"
    for pattern in SOURCES:
        for source in HOSO.rglob(pattern):
            if "locale" in source.parts or "__pycache__" in source.parts:
                continue
            target = copy / source.relative_to(HOSO)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    (copy / "locale").mkdir()
    settings.LOCALE_PATHS = [copy / "locale"]  # type: ignore[attr-defined]
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(copy)
        call_command("makemessages", locale=["en"], no_location=True, verbosity=0)
    fresh = copy / "locale" / "en" / "LC_MESSAGES" / "django.po"
    english = subprocess.run(["msgen", str(fresh)], check=True, capture_output=True).stdout
    compiled = subprocess.run(
        ["msgfmt", "-o", "-", "-"], input=english, check=True, capture_output=True
    ).stdout
    (tmp_path / "all.mo").write_bytes(compiled)
    with (tmp_path / "all.mo").open("rb") as handle:
        return set(gettext.GNUTranslations(handle)._catalog) - {""}  # type: ignore[attr-defined]


def _translated() -> dict[object, str]:
    with (EN / "django.mo").open("rb") as handle:
        return dict(gettext.GNUTranslations(handle)._catalog)  # type: ignore[attr-defined]


def test_every_marked_string_has_an_english_translation(tmp_path, settings):
    translated = {key for key, text in _translated().items() if text}
    missing = sorted(str(key) for key in _extracted(tmp_path, settings) - translated)
    assert missing == [], f"{len(missing)} strings without English: {missing[:20]}"


def test_the_compiled_catalogue_is_the_po_file(tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(compiled), str(EN / "django.po")], check=True)
    assert compiled.read_bytes() == (EN / "django.mo").read_bytes()
