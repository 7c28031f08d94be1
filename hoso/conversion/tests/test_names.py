"""Upload names: hostile ones refused, the rest made safe; Vietnamese kept in NFC."""

from __future__ import annotations

import unicodedata

import pytest

from hoso.conversion import UnsafeFileError, check_filename, safe_display_name
from hoso.conversion.names import extension_of


def test_vietnamese_name_is_kept_and_composed() -> None:
    nfd = unicodedata.normalize("NFD", "Sổ chủ nhiệm lớp 7A – HK I.docx")

    assert check_filename(nfd) == "Sổ chủ nhiệm lớp 7A – HK I.docx"


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\gv\\Báo cáo.pdf", "Báo cáo.pdf"),
        ("  .bí mật.pdf  ", "bí mật.pdf"),
        ("a<b>c:d|e?.pdf", "a_b_c_d_e_.pdf"),
        ("CON.pdf", "_CON.pdf"),
        ("ho-so\u202efdp.exe", "ho-sofdp.exe"),
        ("bao\tcao\n.pdf", "baocao.pdf"),
        ("", "tep-tai-len"),
        ("...", "tep-tai-len"),
    ],
)
def test_safe_display_name(raw: str, safe: str) -> None:
    assert safe_display_name(raw) == safe


def test_overlong_display_name_keeps_extension_and_whole_letters() -> None:
    name = safe_display_name("Kế hoạch giáo dục " * 30 + ".docx")

    assert name.endswith(".docx")
    assert len(name.encode("utf-8")) <= 255
    assert unicodedata.is_normalized("NFC", name)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("x/../y.pdf", "name.path"),
        ("..", "name.path"),
        ("a\x1b[31m.pdf", "name.control"),
        ("a\x00.pdf", "name.nul"),
        ("đ" * 128 + ".pdf", "name.too_long"),
        # What Django leaves of a 300-character ASCII name: refused like a Vietnamese one.
        ("a" * 251 + ".pdf", "name.too_long"),
    ],
)
def test_hostile_names_are_refused(raw: str, code: str) -> None:
    with pytest.raises(UnsafeFileError) as caught:
        check_filename(raw)

    assert caught.value.code == code


@pytest.mark.parametrize(
    ("name", "ext"),
    [("a.PDF", ".pdf"), ("a.tar.gz", ".gz"), ("README", ""), (".bashrc", ""), ("a.", "")],
)
def test_extension_of(name: str, ext: str) -> None:
    assert extension_of(name) == ext
