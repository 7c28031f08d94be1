"""Hostile transfer packages are refused with a Vietnamese message before anything is read
into HoSo: path traversal, duplicates, a corrupted member, an XML bomb in the manifest, an
unsigned manifest, too many members."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest

from hoso.org.tests.factories import small_province
from hoso.schoollife.models import Movement
from hoso.schoollife.services.package import PackageRefused
from hoso.schoollife.services.receive import transfer_in_preview

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]

BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<HoSoChuyenTruongKySo xmlns="urn:hoso:chuyen-truong:1">&lol3;</HoSoChuyenTruongKySo>"""
UNSIGNED = (
    b'<?xml version="1.0"?><HoSoChuyenTruongKySo xmlns="urn:hoso:chuyen-truong:1">'
    b'<HoSoChuyenTruong Id="HocBa"/></HoSoChuyenTruongKySo>'
)
READ_FAILED = "Tệp không phải gói hồ sơ chuyển trường (tệp zip) đọc được."
NOT_SEALED = "Danh mục của gói hồ sơ không mang chữ ký số con dấu của trường."


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members:
            archive.writestr(name, data)
    return out.getvalue()


def _corrupted() -> bytes:
    data = bytearray(_zip([("manifest.xml", UNSIGNED)]))
    at = bytes(data).find(b"HoSoChuyenTruong Id")
    data[at] ^= 0xFF  # the stored member no longer matches its CRC
    return bytes(data)


CASES: dict[str, tuple[bytes, str]] = {
    "traversal": (
        _zip([("manifest.xml", UNSIGNED), ("../../etc/passwd", b"x")]),
        "Gói hồ sơ có tên tệp không hợp lệ.",
    ),
    "absolute": (_zip([("/manifest.xml", UNSIGNED)]), "Gói hồ sơ có tên tệp không hợp lệ."),
    "no manifest": (
        _zip([("hoc-ba/a.pdf", b"%PDF")]),
        "Gói hồ sơ thiếu tệp danh mục đã ký (manifest.xml).",
    ),
    "corrupted": (_corrupted(), READ_FAILED),
    # entities are never expanded: the bomb is read as a small document without a seal
    "bomb": (_zip([("manifest.xml", BOMB)]), NOT_SEALED),
    "unsigned": (_zip([("manifest.xml", UNSIGNED)]), NOT_SEALED),
    "too many": (
        _zip([("manifest.xml", UNSIGNED)] + [(f"f{i}", b"") for i in range(201)]),
        "Gói hồ sơ chuyển trường quá lớn.",
    ),
    "empty": (b"", READ_FAILED),
}


@pytest.fixture
def world() -> Any:
    return small_province("hp")


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_hostile_package_is_refused(world: Any, case: str) -> None:
    data, message = CASES[case]
    with pytest.raises(PackageRefused) as refused:
        transfer_in_preview(
            actor=world.people["th2.hieutruong"], school=world.units["th2"], data=data
        )
    assert refused.value.message == message
    assert not Movement.objects.exists()
