import random

import pytest

from hoso.core.vietnamese import collation_key, name_sort_key, sorted_by_name, split_name

CLASS_LIST = [
    "Nguyễn Văn An",
    "Lê Minh Anh",
    "Nguyễn Thị Ánh",
    "Bùi Thị Ăn",
    "Phạm Thị Ân",
    "Đặng Văn Dũng",
    "Hoàng Văn Duy",
    "Trần Văn Đức",
    "Lý Văn Nga",
    "Nguyễn Thị Ánh Nga",
    "Đỗ Thị Ngà",
    "Ngô Bảo Ngọc",
]
WORDS = [
    "Anh",
    "Ă",
    "Ăn",
    "Ân",
    "Ấn",
    "Ba",
    "Dũng",
    "Duy",
    "Đào",
    "Đức",
    "Em",
    "Êm",
    "On",
    "Ôn",
    "Ơn",
    "Uyên",
    "Ưng",
]


@pytest.mark.parametrize("seed", range(5))
def test_class_list_sorts_by_given_name_then_family_in_vietnamese_order(seed):
    shuffled = CLASS_LIST[:]
    random.Random(seed).shuffle(shuffled)
    assert sorted_by_name(shuffled) == CLASS_LIST


def test_alphabet_order_puts_each_vietnamese_letter_after_its_base():
    shuffled = random.Random(7).sample(WORDS, len(WORDS))
    assert shuffled != WORDS
    assert sorted(shuffled, key=collation_key) == WORDS


def test_tones_are_secondary_in_the_traditional_order():
    tones = ["ma", "mà", "mả", "mã", "má", "mạ"]
    shuffled = random.Random(7).sample(tones, len(tones))
    assert shuffled != tones
    assert sorted(shuffled, key=collation_key) == tones


def test_nfd_and_nfc_give_the_same_key():
    import unicodedata

    name = "Nguyễn Thị Ánh"
    assert name_sort_key(unicodedata.normalize("NFD", name)) == name_sort_key(name)


def test_prefix_sorts_first_and_keys_are_plain_digits():
    assert collation_key("An") < collation_key("Anh")
    assert collation_key("Nguyễn Thị Hạnh").isdigit()


def test_split_name_keeps_middle_names_with_family_name():
    assert split_name("  Nguyễn   Thị  Ánh Nga ") == ("Nguyễn Thị Ánh", "Nga")
    assert split_name("") == ("", "")
