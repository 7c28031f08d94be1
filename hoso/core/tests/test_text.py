"""hoso.core.text: NFC, bidi overrides and controls removed (issue 13 item 6)."""

from __future__ import annotations

import unicodedata

import pytest

from hoso.core.text import clean_line, clean_multiline


def test_nfd_becomes_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Hồng Ánh")
    assert nfd != "Nguyễn Thị Hồng Ánh"
    assert clean_line(nfd) == "Nguyễn Thị Hồng Ánh"


@pytest.mark.parametrize("char", [chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]])
def test_bidi_overrides_and_isolates_are_removed(char: str) -> None:
    assert clean_line(f"hồ sơ{char}fdp.exe") == "hồ sơfdp.exe"
    assert clean_multiline(f"dòng 1{char}\ndòng 2") == "dòng 1\ndòng 2"


def test_controls_and_spaces() -> None:
    assert clean_line("  Kế\x00 hoạch\r\n tuần\t1 ") == "Kế hoạch tuần 1"
    assert clean_multiline(" a\r\nb\x07\tc ") == "a\nb\tc"
    assert clean_line(None) == ""
