"""The import sheets: Vietnamese headers, in order, and what each column holds."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool
    kind: str = "text"  # text | code | date | gender | int
    max_length: int = 120
    example: str = ""


SHEETS: dict[str, list[Column]] = {
    "staff": [
        Column("code", "Mã định danh", True, "code", 20, "CB0001"),
        Column("full_name", "Họ và tên", True, "text", 120, "Nguyễn Thị Hạnh"),
        Column("gender", "Giới tính", True, "gender", 10, "Nữ"),
        Column("birth_date", "Ngày sinh", False, "date", 10, "15/03/1985"),
        Column("position", "Chức vụ", False, "text", 120, "Giáo viên"),
        Column("group", "Mã tổ chuyên môn", False, "code", 40, "TH1-TO1"),
        Column("email", "Thư điện tử", False, "text", 254, "hanh@example.edu.vn"),
        Column("phone", "Điện thoại", False, "text", 20, "0912345678"),
    ],
    "students": [
        Column("code", "Mã định danh học sinh", True, "code", 20, "HS0000001"),
        Column("full_name", "Họ và tên", True, "text", 120, "Trần Minh Khôi"),
        Column("gender", "Giới tính", True, "gender", 10, "Nam"),
        Column("birth_date", "Ngày sinh", True, "date", 10, "02/09/2017"),
        # Particulars printed by the official books (docs/books.md); optional, and a file that
        # stops before them (the older 4-column template) leaves them as they are.
        Column("personal_id", "Số định danh cá nhân", False, "personal_id", 12, "001217012345"),
        Column("ethnicity", "Dân tộc", False, "ethnicity", 40, "Kinh"),
        Column("nationality", "Quốc tịch", False, "text", 60, "Việt Nam"),
        Column("birth_place", "Nơi sinh", False, "text", 200, "Xã An Phú, Tỉnh Demo"),
        Column("hometown", "Quê quán", False, "text", 200, "Xã An Phú, Tỉnh Demo"),
        Column("address", "Nơi ở hiện nay", False, "text", 255, "Thôn 2, xã An Phú"),
        Column("father_name", "Họ và tên cha", False, "text", 120, "Trần Văn Hùng"),
        Column("father_job", "Nghề nghiệp cha", False, "text", 120, "Nông dân"),
        Column("mother_name", "Họ và tên mẹ", False, "text", 120, "Lê Thị Mai"),
        Column("mother_job", "Nghề nghiệp mẹ", False, "text", 120, "Giáo viên"),
        Column("guardian_name", "Người giám hộ", False, "text", 120, ""),
        Column("guardian_job", "Nghề nghiệp người giám hộ", False, "text", 120, ""),
        Column("priority_group", "Đối tượng ưu tiên", False, "text", 200, ""),
        Column("register_number", "Số đăng bộ", False, "code", 20, "125"),
        Column("admitted_on", "Ngày vào trường", False, "date", 10, "05/09/2023"),
        Column("previous_school", "Chuyển từ trường", False, "text", 200, ""),
    ],
    "classes": [
        Column("code", "Mã lớp", True, "code", 40, "TH1-2025-1A"),
        Column("name", "Tên lớp", True, "text", 40, "1A"),
        Column("grade", "Khối", True, "int", 2, "1"),
    ],
    "enrolments": [
        Column("student", "Mã định danh học sinh", True, "code", 20, "HS0000001"),
        Column("school_class", "Mã lớp", True, "code", 40, "TH1-2025-1A"),
    ],
}

SHEET_TITLES = {
    "staff": "Cán bộ, giáo viên, nhân viên",
    "students": "Học sinh",
    "classes": "Lớp học",
    "enrolments": "Xếp lớp",
}
