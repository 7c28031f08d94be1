import unicodedata

import pytest

from hoso.search.folding import Token, fold, has_marks, marked_words, split_words, tokenize


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Kế hoạch bài dạy", "ke hoach bai day"),  # two marks on one letter
        ("báo giảng", "bao giang"),
        ("Địa lý", "dia ly"),  # đ has no Unicode decomposition
        ("Đà Nẵng", "da nang"),
        ("Đức", "duc"),
        ("ĐỨC", "duc"),
        ("đào tạo", "dao tao"),
        ("Ư Ơ Ă Â Ê Ô ư ơ ă â ê ô", "u o a a e o u o a a e o"),
        ("Nguyễn Thị Hạnh", "nguyen thi hanh"),
        ("bạ bà bá bả bã ba", "ba ba ba ba ba ba"),
        ("HS123456", "hs123456"),
        ("", ""),
    ],
)
def test_fold_vietnamese(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_fold_nfd_input_equals_nfc_input() -> None:
    nfd = unicodedata.normalize("NFD", "Kế hoạch bài dạy Địa lý Đà Nẵng")
    assert nfd != unicodedata.normalize("NFC", nfd)
    assert fold(nfd) == "ke hoach bai day dia ly da nang"


def test_tokenize_keeps_exact_and_folded_forms_aligned() -> None:
    assert tokenize("Kế hoạch lớp 4A, năm học 2025-2026!") == [
        Token("kế", "ke"),
        Token("hoạch", "hoach"),
        Token("lớp", "lop"),
        Token("4a", "4a"),
        Token("năm", "nam"),
        Token("học", "hoc"),
        Token("2025", "2025"),
        Token("2026", "2026"),
    ]


def test_tokenize_nfd_word_stays_one_word() -> None:
    nfd = unicodedata.normalize("NFD", "Đức dạy")
    assert [t.exact for t in tokenize(nfd)] == ["đức", "dạy"]


def test_split_words_drops_overlong_runs_and_underscores_split() -> None:
    assert split_words("a" * 41 + " ok so_diem") == ["ok", "so", "diem"]


def test_marked_words_are_distinct_and_ordered() -> None:
    exact = ["bà", "ba", "bạ", "bà"]
    assert marked_words(exact, [fold(w) for w in exact]) == ["bà", "bạ"]


@pytest.mark.parametrize(("text", "marked"), [("ke hoach", False), ("kế", True), ("đ", True)])
def test_has_marks(text: str, marked: bool) -> None:
    assert has_marks(text) is marked
