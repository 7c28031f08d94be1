"""A school with named staff for the Drive/OneDrive import, and zips shaped as Google Takeout
and OneDrive's "Download" make them."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from typing import Any

from hoso.org.models import SchoolYear
from tests.factories import (
    StaffFactory,
    UserFactory,
    World,
    catalogue,
    grant,
    record_pdf,
    school_world,
    staff_of,
)

LAN = "Nguyễn Thị Lan"
BINH = "Trần Văn Bình"


@dataclass
class DriveWorld:
    world: World
    other: World  # another school, its principal and clerk
    year: SchoolYear  # 2024-2025, a past year

    @property
    def school(self) -> Any:
        return self.world.units["school"]

    @property
    def principal(self) -> Any:
        return self.world.people["hieutruong"]

    @property
    def clerk(self) -> Any:
        return self.world.people["vanthu"]

    def teacher(self, name: str) -> Any:
        return self.world.people[name]


def drive_world(prefix: str = "dr") -> DriveWorld:
    """school_world with two teachers of Tổ 1 named LAN and BINH (staff rows), every person's
    staff row, the national catalogue, the past year 2024-2025, and another school."""
    catalogue()
    world = school_world(prefix)
    for key, name in (("lan", LAN), ("binh", BINH)):
        person = UserFactory(username=f"{prefix}.{key}", first_name=name)
        grant(person, "GV", world.units["to"])
        StaffFactory(unit=world.units["to"], user=person, full_name=name)
        world.people[key] = person
        world.posts[key] = "to"
    staff_of(world)
    other = school_world(f"{prefix}x")
    year, _ = SchoolYear.objects.get_or_create(
        name="2024-2025",
        defaults={
            "start_date": dt.date(2024, 9, 5),
            "end_date": dt.date(2025, 5, 31),
            "term1_end": dt.date(2025, 1, 18),
            "is_current": False,
        },
    )
    return DriveWorld(world, other, year)


def pdf_bytes(title: str) -> bytes:
    return record_pdf(title, [title, "Nội dung thử"])


TAKEOUT_FILES = {
    f"Takeout/Drive/Hồ sơ/Tổ 1/{LAN}/Năm học 2024 - 2025/Kế hoạch bài dạy/Tuần 05/"
    "KHBD Toán tuần 5.pdf": "KHBD Toán tuần 5",
    f"Takeout/Drive/Hồ sơ/Tổ 1/{LAN}/Năm học 2024 - 2025/Kế hoạch bài dạy/Tuần 06/"
    "KHBD Toán tuần 6.pdf": "KHBD Toán tuần 6",
    f"Takeout/Drive/Hồ sơ/Tổ 1/{BINH}/2024-2025/Giao an/tuan 12/Tieng Viet tuan 12.pdf": "TV 12",
    "Takeout/Drive/Hồ sơ/Nhà trường/NH 24-25/Kế hoạch giáo dục nhà trường.pdf": "KHGDNT",
    "Takeout/archive_browser.html": None,
}
ONEDRIVE_FILES = {
    f"Ho so chuyen mon/NH 24-25/{BINH}/Sổ chủ nhiệm HK2.pdf": "SCN HK2",
    f"Ho so chuyen mon/NH 24-25/{LAN}/Hoc ky I/So chu nhiem.pdf": "SCN HK1",
}


def make_zip(files: dict[str, Any], **flags: Any) -> bytes:
    """A zip of `files` (path → PDF title, bytes, or None for a small HTML page). `encrypted`
    marks the first entry as encrypted (the flag a password sets)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for path, content in files.items():
            if content is None:
                data = b"<html></html>"
            elif isinstance(content, bytes):
                data = content
            else:
                data = pdf_bytes(content)
            info = zipfile.ZipInfo(path, date_time=(2025, 5, 1, 8, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(info, data)
    data = buffer.getvalue()
    return _mark_encrypted(data) if flags.get("encrypted") else data


def _mark_encrypted(data: bytes) -> bytes:
    """Set the "encrypted" bit of the first entry, in its local header and in the central
    directory, as a password-protected zip has it (zipfile cannot write one)."""
    out = bytearray(data)
    out[6] |= 0x1  # local file header: general purpose flag at offset 6
    central = data.index(b"PK\x01\x02")
    out[central + 8] |= 0x1  # central directory header: flag at offset 8
    return bytes(out)
