from __future__ import annotations

from django.urls import path

from hoso.library import views, views_digital, views_io, views_reports, views_stock

app_name = "library"

urlpatterns = [
    path("", views.index, name="index"),
    path("cua-toi/", views.my_loans, name="my-loans"),
    path("<int:pk>/", views.dashboard, name="dashboard"),
    path("<int:pk>/muc-luc/", views.catalogue, name="catalogue"),
    path("<int:pk>/bien-muc/", views.record_new, name="record-new"),
    path("<int:pk>/muon-tra/", views.desk, name="desk"),
    path("<int:pk>/dang-muon/", views.loans, name="loans"),
    path("<int:pk>/nhac-qua-han/", views.remind, name="remind"),
    path("<int:pk>/tra-cuu/", views.opac, name="opac"),
    path("<int:pk>/nhap-xuat/", views_io.import_page, name="import"),
    path("<int:pk>/mau-danh-muc.xlsx", views_io.excel_template, name="excel-template"),
    path("<int:pk>/xuat.<str:fmt>", views_io.export, name="export"),
    path("<int:pk>/the-ban-doc.pdf", views_io.patron_cards, name="cards"),
    path("<int:pk>/theo-lop/", views_io.class_flow, name="class-flow"),
    path("<int:pk>/cai-dat/", views_io.settings_save, name="settings"),
    path("<int:pk>/tiet-doc/", views_io.reading_add, name="reading-add"),
    path("sach/<int:pk>/nhan.pdf", views_io.copy_labels, name="labels"),
    path("<int:pk>/kiem-ke/", views_stock.stocktakes, name="stocktakes"),
    path("kiem-ke/<int:pk>/", views_stock.stocktake, name="stocktake"),
    path("kiem-ke/<int:pk>/ket-thuc/", views_stock.stocktake_close, name="stocktake-close"),
    path("<int:pk>/thanh-ly/", views_stock.weeding, name="weeding"),
    path("thanh-ly/<int:pk>/quyet-dinh/", views_stock.weeding_decide, name="weeding-decide"),
    path("<int:pk>/so-sach/", views_reports.register_list, name="registers"),
    path("<int:pk>/so-sach/<str:kind>.pdf", views_reports.register_pdf, name="register-pdf"),
    path("bao-cao/<int:pk>/", views_reports.report, name="report"),
    path("bao-cao/<int:pk>/xuat.xlsx", views_reports.report_xlsx, name="report-xlsx"),
    path("so/", views_digital.collection, name="digital"),
    path("so/them/<int:pk>/", views_digital.add, name="digital-add"),
    path("so/de-xuat/<int:pk>/", views_digital.propose, name="digital-propose"),
    path("so/<int:pk>/", views_digital.detail, name="digital-detail"),
    path("so/<int:pk>/tep/", views_digital.content, name="digital-file"),
    path("so/<int:pk>/duyet/", views_digital.vet, name="digital-vet"),
    path("so/<int:pk>/len-cap-tren/", views_digital.propose_up, name="digital-up"),
    path("lien-hop/<int:pk>/", views.union, name="union"),
    path("sach/<int:pk>/", views.record_detail, name="record"),
    path("sach/<int:pk>/sua/", views.record_edit, name="record-edit"),
    path("sach/<int:pk>/them-ban/", views.copies_add, name="copies-add"),
    path("sach/<int:pk>/dat-truoc/", views.hold_place, name="hold-place"),
    path("ban/<int:pk>/tinh-trang/", views.copy_mark, name="copy-mark"),
    path("luot-muon/<int:pk>/gia-han/", views.loan_renew, name="loan-renew"),
]
