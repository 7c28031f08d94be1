"""The consent text a parent reads before any of the child's data is shown, versioned.

A standing consent is one given to the CURRENT version: a new version (a new purpose, new data,
another controller) needs a new consent from every parent, so bump the version only for such a
change, never for a typo. Sources: Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15 (in force
01/01/2026) and Nghị định 356/2025/NĐ-CP (replaces NĐ 13/2023 from 01/01/2026): consent is
voluntary, informed, explicit, silence is not consent, it can be withdrawn; the legal
representative exercises a child's rights (docs/parents.md)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

CURRENT_VERSION = "2026.1"

# version → paragraphs (each one msgid)
TEXTS = {
    "2026.1": (
        _(
            "Căn cứ Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15 và Nghị định số "
            "356/2025/NĐ-CP, nhà trường (bên kiểm soát dữ liệu) xin sự đồng ý của cha mẹ "
            "hoặc người giám hộ trước khi cho xem dữ liệu cá nhân của học sinh trên HoSo."
        ),
        _(
            "Dữ liệu được cho xem: họ tên, lớp, kết quả học tập và rèn luyện đã được nhà "
            "trường công bố, học bạ số đã ban hành, sách đang mượn ở thư viện trường."
        ),
        _(
            "Mục đích: để cha mẹ theo dõi việc học của con; dữ liệu không được dùng cho quảng "
            "cáo và không được chuyển cho bên thứ ba."
        ),
        _(
            "Quyền của cha mẹ: được biết, đồng ý hoặc không đồng ý, truy cập, rút lại sự đồng "
            "ý bất cứ lúc nào, yêu cầu xóa hoặc hạn chế xử lý, phản đối và khiếu nại."
        ),
        _(
            "Khi rút lại sự đồng ý, HoSo ngừng cho tài khoản này xem mọi dữ liệu của con cho "
            "đến khi cha mẹ đồng ý lại; việc rút lại không ảnh hưởng đến việc học của con."
        ),
        _(
            "Không trả lời nghĩa là không đồng ý. Thời điểm đồng ý, phiên bản văn bản này và "
            "cách đồng ý (trực tuyến hoặc phiếu giấy nhà trường nhập) được lưu lại."
        ),
    ),
}


def paragraphs(version: str = CURRENT_VERSION) -> tuple[str, ...]:
    return tuple(str(p) for p in TEXTS[version])
