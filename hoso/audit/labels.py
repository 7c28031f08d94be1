"""What each audit action code means, in the words the audit log page shows ("accounts.login.ok"
→ "Đăng nhập thành công"). The codes stay in the log as they were written (the chain hashes
them); this table only names them. A code missing here still shows, as "<app>: <code>"."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, Promise] = {
    # accounts
    "accounts.login.ok": _("Đăng nhập thành công"),
    "accounts.login.failed": _("Đăng nhập không thành công"),
    "accounts.logout": _("Đăng xuất"),
    "accounts.lockout": _("Tạm khóa đăng nhập vì nhập sai nhiều lần"),
    "accounts.2fa.added": _("Bật xác thực hai bước"),
    "accounts.2fa.removed": _("Tắt xác thực hai bước"),
    "accounts.2fa.reset": _("Tạo lại mã dự phòng xác thực hai bước"),
    "accounts.2fa.failed": _("Nhập sai mã xác thực hai bước"),
    "accounts.token.issued": _("Cấp mã truy cập cho phần mềm khác"),
    "accounts.token.revoked": _("Thu hồi mã truy cập cho phần mềm khác"),
    "accounts.token.revoked_all": _("Thu hồi mọi mã truy cập cho phần mềm khác"),
    # audit, operations
    "audit.anchor.created": _("Neo nhật ký bằng dấu thời gian"),
    "ops.backup.created": _("Sao lưu dữ liệu"),
    "ops.backup.failed": _("Sao lưu dữ liệu không thành công"),
    "ops.jobs.requeued": _("Chạy lại việc nền bị dừng"),
    "ops.scrub.completed": _("Kiểm tra tệp lưu trữ: không có lỗi"),
    "ops.scrub.problems": _("Kiểm tra tệp lưu trữ: có lỗi"),
    "ops.drill.seeded": _("Tạo dữ liệu diễn tập"),
    # org
    "org.unit.created": _("Thêm đơn vị"),
    "org.unit.updated": _("Sửa thông tin đơn vị"),
    "org.staff.created": _("Thêm cán bộ, giáo viên"),
    "org.staff.updated": _("Sửa thông tin cán bộ, giáo viên"),
    "org.student.created": _("Thêm học sinh"),
    "org.student.updated": _("Sửa thông tin học sinh"),
    "org.enrolment.set": _("Xếp học sinh vào lớp"),
    "org.role.assigned": _("Giao vai trò"),
    "org.role.revoked": _("Thôi giao vai trò"),
    "org.import.completed": _("Nhập dữ liệu từ Excel"),
    # records
    "records.version.uploaded": _("Tải lên hồ sơ"),
    "records.version.viewed": _("Xem hồ sơ"),
    "records.version.downloaded": _("Tải về tệp hồ sơ"),
    "records.version.signed": _("Ký số hồ sơ"),
    "records.version.sealed": _("Đóng dấu hồ sơ"),
    "records.version.issued": _("Ban hành hồ sơ"),
    "records.record.submitted": _("Trình duyệt hồ sơ"),
    "records.record.approved": _("Duyệt hồ sơ"),
    "records.record.returned": _("Trả lại hồ sơ"),
    "records.record.withdrawn": _("Rút lại hồ sơ"),
    "records.record.archived": _("Đưa hồ sơ vào lưu trữ"),
    "records.record.deleted": _("Xóa hồ sơ"),
    "records.comment.added": _("Góp ý hồ sơ"),
    "records.due.extended": _("Gia hạn nộp hồ sơ"),
    "records.type.created": _("Thêm loại hồ sơ"),
    "records.chain.set": _("Thiết lập chuỗi duyệt, ký"),
    "records.chain.reset": _("Bỏ thiết lập chuỗi duyệt, ký riêng"),
    "records.type.defined": _("Bổ sung loại hồ sơ cho các trường trực thuộc"),
    "records.type.adapted": _("Điều chỉnh loại hồ sơ cho các trường trực thuộc"),
    "records.type.retired": _("Ngừng áp dụng loại hồ sơ"),
    "records.type.delegation": _("Phân cấp cho Phòng GDĐT bổ sung loại hồ sơ"),
    "records.completion.exported": _("Xuất tình hình nộp hồ sơ"),
    "records.evidence.tagged": _("Gắn minh chứng kiểm định"),
    "records.evidence.untagged": _("Bỏ gắn minh chứng kiểm định"),
    "records.evidence.exported": _("Xuất minh chứng kiểm định"),
    # signing
    "signing.version.signed": _("Ký số tệp hồ sơ"),
    "signing.version.sealed": _("Đóng dấu điện tử tệp hồ sơ"),
    "signing.batch.started": _("Bắt đầu ký nhiều hồ sơ"),
    "signing.certificate.registered": _("Đăng ký chứng thư số"),
    "signing.certificate.retired": _("Ngừng dùng chứng thư số"),
    "signing.archive.renewed": _("Gia hạn dấu thời gian lưu trữ"),
    "signing.archive.renew_failed": _("Gia hạn dấu thời gian lưu trữ không thành công"),
    "signing.remote.provider_configured": _("Cấu hình nhà cung cấp ký số từ xa"),
    "signing.remote.provider_changed": _("Sửa cấu hình nhà cung cấp ký số từ xa"),
    "signing.remote.credential_linked": _("Liên kết chứng thư ký số từ xa"),
    "signing.remote.started": _("Gửi yêu cầu ký số từ xa"),
    "signing.remote.confirmed": _("Xác nhận ký số từ xa trên điện thoại"),
    "signing.remote.done": _("Hoàn tất ký số từ xa"),
    "signing.remote.refused": _("Từ chối ký số từ xa trên điện thoại"),
    "signing.remote.expired": _("Hết thời gian chờ xác nhận ký số từ xa"),
    "signing.remote.cancelled": _("Hủy yêu cầu ký số từ xa"),
    "signing.remote.failed": _("Ký số từ xa không thành công"),
    # grading, học bạ, books
    "grading.entries.saved": _("Nhập điểm"),
    "grading.window.opened": _("Mở đợt nhập điểm"),
    "grading.window.closed": _("Khóa đợt nhập điểm"),
    "grading.correction.requested": _("Đề nghị sửa điểm"),
    "grading.correction.approved": _("Duyệt sửa điểm"),
    "grading.correction.refused": _("Không duyệt sửa điểm"),
    "grading.results.published": _("Công bố kết quả học tập"),
    "grading.assignment.assigned": _("Phân công giảng dạy"),
    "grading.assignment.exported": _("Xuất bảng phân công giảng dạy"),
    "grading.subjects.assigned": _("Thiết lập môn học của trường"),
    "grading.config.assigned": _("Thiết lập cách đánh giá"),
    "grading.summary.exported": _("Xuất bảng tổng hợp kết quả"),
    "grading.hocba.batch.started": _("Bắt đầu lập học bạ cả lớp"),
    "grading.hocba.created": _("Lập học bạ"),
    "grading.hocba.signed.gvcn": _("Giáo viên chủ nhiệm ký học bạ"),
    "grading.hocba.signed.ht": _("Hiệu trưởng ký học bạ"),
    "grading.hocba.signed.seal": _("Đóng dấu học bạ"),
    "grading.hocba.downloaded": _("Tải về học bạ"),
    "grading.hocba.exported": _("Xuất học bạ"),
    "grading.hocba.verification_failed": _("Học bạ không qua kiểm tra chữ ký"),
    "books.edition.created": _("Lập sổ (bản mới)"),
    "books.batch.started": _("Bắt đầu lập sổ hàng loạt"),
    # library
    "records.record.imported": _("Nhập hồ sơ từ thư mục Drive/OneDrive vào lưu trữ"),
    "drive_import.batch.uploaded": _("Tải lên tệp nén thư mục Drive/OneDrive"),
    "drive_import.items.corrected": _("Sửa đề xuất nhập tệp"),
    "drive_import.batch.confirmed": _("Xác nhận nhập thư mục Drive/OneDrive"),
    "drive_import.rules.changed": _("Sửa quy tắc nhận diện tệp"),
    "drive_import.export.requested": _("Xuất hồ sơ năm học"),
    "drive_import.export.downloaded": _("Tải về bản xuất hồ sơ năm học"),
    "library.record.created": _("Thêm đầu sách vào danh mục"),
    "library.record.updated": _("Sửa đầu sách"),
    "library.accession.created": _("Vào sổ đăng ký cá biệt"),
    "library.copies.added": _("Thêm bản sách"),
    "library.copy.marked": _("Đánh dấu tình trạng bản sách"),
    "library.loan.issued": _("Cho mượn sách"),
    "library.loan.returned": _("Nhận trả sách"),
    "library.loan.renewed": _("Gia hạn mượn sách"),
    "library.loan.class_issued": _("Cho lớp mượn sách"),
    "library.loan.class_returned": _("Lớp trả sách"),
    "library.hold.placed": _("Đặt trước sách"),
    "library.hold.cancelled": _("Hủy đặt trước sách"),
    "library.hold.requested": _("Bạn đọc tự đặt trước sách"),
    "library.hold.withdrawn": _("Bạn đọc hủy đặt trước sách"),
    "library.overdue.reminded": _("Nhắc trả sách quá hạn"),
    "library.holiday.set": _("Đặt ngày nghỉ của thư viện"),
    "library.settings.updated": _("Sửa thiết lập thư viện"),
    "library.reading.added": _("Ghi lượt đọc tại chỗ"),
    "library.register.issued": _("Ban hành sổ thư viện"),
    "library.stocktake.opened": _("Mở đợt kiểm kê"),
    "library.stocktake.scanned": _("Quét mã khi kiểm kê"),
    "library.stocktake.closed": _("Kết thúc kiểm kê"),
    "library.weeding.proposed": _("Đề nghị thanh lọc sách"),
    "library.weeding.decided": _("Quyết định thanh lọc sách"),
    "library.digital.added": _("Thêm học liệu số"),
    "library.digital.proposed": _("Đề xuất học liệu số"),
    "library.digital.proposed_up": _("Đề xuất học liệu số lên cấp trên"),
    "library.digital.vetted": _("Duyệt học liệu số"),
    "library.digital.viewed": _("Xem học liệu số"),
    "library.digital.downloaded": _("Tải về học liệu số"),
    "library.excel.imported": _("Nhập danh mục sách từ Excel"),
    "library.marc.imported": _("Nhập danh mục sách từ MARC"),
    "library.exported": _("Xuất danh mục thư viện"),
    # offices
    "offices.directive.issued": _("Ban hành văn bản chỉ đạo"),
    "offices.directive.opened": _("Mở đọc văn bản chỉ đạo"),
    "offices.directive.answered": _("Trả lời văn bản chỉ đạo"),
    "offices.directive.reminded": _("Nhắc đơn vị đọc văn bản chỉ đạo"),
    "offices.directive.exported": _("Xuất tình hình nhận văn bản chỉ đạo"),
    "offices.report.requested": _("Yêu cầu báo cáo"),
    "offices.report.submitted": _("Nộp báo cáo"),
    "offices.report.returned": _("Trả lại báo cáo"),
    "offices.report.summed": _("Tổng hợp báo cáo"),
    "offices.report.file_downloaded": _("Tải về tệp báo cáo"),
    "offices.report.template_downloaded": _("Tải về mẫu báo cáo"),
    "offices.inspection.opened": _("Mở đợt kiểm tra"),
    "offices.inspection.finding": _("Ghi nhận xét kiểm tra"),
    "offices.inspection.minutes": _("Lập biên bản kiểm tra"),
    "offices.dashboard.exported": _("Xuất bảng theo dõi"),
    # digital transformation (chuyển đổi số)
    "offices.dx.set.created": _("Lập bộ tiêu chí chuyển đổi số"),
    "offices.dx.criterion.added": _("Thêm tiêu chí chuyển đổi số"),
    "offices.dx.criterion.removed": _("Bỏ tiêu chí chuyển đổi số"),
    "offices.dx.set.published": _("Ban hành bộ tiêu chí chuyển đổi số cho các trường"),
    "offices.dx.set.copied": _("Tạo phiên bản mới của bộ tiêu chí chuyển đổi số"),
    "offices.dx.set.closed": _("Chốt kết quả, xếp hạng chuyển đổi số"),
    "offices.dx.answer.saved": _("Tự đánh giá tiêu chí chuyển đổi số"),
    "offices.dx.sheet.submitted": _("Nộp phiếu tự đánh giá chuyển đổi số"),
    "offices.dx.sheet.returned": _("Trả lại phiếu tự đánh giá chuyển đổi số"),
    "offices.dx.scores.exported": _("Xuất kết quả chuyển đổi số"),
    "offices.dx.evidence.downloaded": _("Tải về minh chứng chuyển đổi số"),
    # retention
    "retention.period.changed": _("Sửa thời hạn lưu trữ"),
    "retention.proposal.created": _("Đề nghị tiêu hủy hồ sơ"),
    "retention.proposal.approved": _("Duyệt tiêu hủy hồ sơ"),
    "retention.proposal.refused": _("Không duyệt tiêu hủy hồ sơ"),
    "retention.minutes.signed": _("Ký biên bản tiêu hủy"),
    "retention.record.destroyed": _("Tiêu hủy hồ sơ"),
    "retention.files.removed": _("Xóa tệp của hồ sơ đã tiêu hủy"),
}

APP_LABELS: dict[str, Promise] = {
    "accounts": _("Tài khoản"),
    "audit": _("Nhật ký"),
    "books": _("Sổ sách"),
    "grading": _("Sổ điểm, học bạ"),
    "library": _("Thư viện"),
    "offices": _("Phòng/Sở"),
    "ops": _("Vận hành"),
    "org": _("Tổ chức"),
    "records": _("Hồ sơ"),
    "retention": _("Lưu trữ"),
    "signing": _("Chữ ký số"),
}


def action_label(code: str) -> str:
    """The Vietnamese words for an audit action code; an unknown code keeps its app's name
    and the code itself, so that nothing in the log goes unshown."""
    known = ACTION_LABELS.get(code)
    if known is not None:
        return str(known)
    app = APP_LABELS.get(code.split(".", 1)[0])
    return gettext("{app}: {code}").format(app=app, code=code) if app else code


def action_groups() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """For the log's filter: (app prefix, app name, [(code, words)…]) by app, by words."""
    groups = []
    for app, name in APP_LABELS.items():
        codes = [(c, str(w)) for c, w in ACTION_LABELS.items() if c.startswith(app + ".")]
        groups.append((app, str(name), sorted(codes, key=lambda item: item[1])))
    return groups
