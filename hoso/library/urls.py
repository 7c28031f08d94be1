from __future__ import annotations

from django.urls import path

from hoso.library.views import catalogue, circulation, digital, files, reports, stock

app_name = "library"

urlpatterns = [
    path("", catalogue.index, name="index"),
    path("cua-toi/", circulation.my_loans, name="my-loans"),
    path("<int:pk>/", catalogue.dashboard, name="dashboard"),
    path("<int:pk>/muc-luc/", catalogue.catalogue, name="catalogue"),
    path("<int:pk>/bien-muc/", catalogue.record_new, name="record-new"),
    path("<int:pk>/muon-tra/", circulation.desk, name="desk"),
    path("<int:pk>/dang-muon/", circulation.loans, name="loans"),
    path("<int:pk>/nhac-qua-han/", circulation.remind, name="remind"),
    path("<int:pk>/tra-cuu/", catalogue.opac, name="opac"),
    path("<int:pk>/nhap-xuat/", files.import_page, name="import"),
    path("<int:pk>/mau-danh-muc.xlsx", files.excel_template, name="excel-template"),
    path("<int:pk>/xuat.<str:fmt>", files.export, name="export"),
    path("<int:pk>/the-ban-doc.pdf", files.patron_cards, name="cards"),
    path("<int:pk>/theo-lop/", files.class_flow, name="class-flow"),
    path("<int:pk>/cai-dat/", files.settings_save, name="settings"),
    path("<int:pk>/tiet-doc/", files.reading_add, name="reading-add"),
    path("sach/<int:pk>/nhan.pdf", files.copy_labels, name="labels"),
    path("<int:pk>/kiem-ke/", stock.stocktakes, name="stocktakes"),
    path("kiem-ke/<int:pk>/", stock.stocktake, name="stocktake"),
    path("kiem-ke/<int:pk>/ket-thuc/", stock.stocktake_close, name="stocktake-close"),
    path("<int:pk>/thanh-ly/", stock.weeding, name="weeding"),
    path("thanh-ly/<int:pk>/quyet-dinh/", stock.weeding_decide, name="weeding-decide"),
    path("<int:pk>/so-sach/", reports.register_list, name="registers"),
    path("<int:pk>/so-sach/<str:kind>.pdf", reports.register_pdf, name="register-pdf"),
    path("bao-cao/<int:pk>/", reports.report, name="report"),
    path("bao-cao/<int:pk>/xuat.xlsx", reports.report_xlsx, name="report-xlsx"),
    path("so/", digital.collection, name="digital"),
    path("so/them/<int:pk>/", digital.add, name="digital-add"),
    path("so/de-xuat/<int:pk>/", digital.propose, name="digital-propose"),
    path("so/<int:pk>/", digital.detail, name="digital-detail"),
    path("so/<int:pk>/tep/", digital.content, name="digital-file"),
    path("so/<int:pk>/duyet/", digital.vet, name="digital-vet"),
    path("so/<int:pk>/len-cap-tren/", digital.propose_up, name="digital-up"),
    path("lien-hop/<int:pk>/", catalogue.union, name="union"),
    path("sach/<int:pk>/", catalogue.record_detail, name="record"),
    path("sach/<int:pk>/sua/", catalogue.record_edit, name="record-edit"),
    path("sach/<int:pk>/them-ban/", catalogue.copies_add, name="copies-add"),
    path("sach/<int:pk>/dat-truoc/", circulation.hold_place, name="hold-place"),
    path("sach/<int:pk>/dat-truoc-cho-toi/", circulation.hold_request, name="hold-request"),
    path("dat-truoc/<int:pk>/huy/", circulation.hold_withdraw, name="hold-withdraw"),
    path("ban/<int:pk>/tinh-trang/", catalogue.copy_mark, name="copy-mark"),
    path("luot-muon/<int:pk>/gia-han/", circulation.loan_renew, name="loan-renew"),
]
