from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from hoso.offices.views import dashboard, directives, inspections, reports

app_name = "offices"

urlpatterns: list[URLPattern | URLResolver] = [
    path("chi-dao/", directives.directives, name="directives"),
    path("chi-dao/gui/", directives.directive_new, name="directive-new"),
    path("chi-dao/<int:pk>/", directives.directive_detail, name="directive"),
    path("chi-dao/<int:pk>/xuat.xlsx", directives.directive_export, name="directive-export"),
    path("chi-dao/<int:pk>/nhac/", directives.directive_remind, name="directive-remind"),
    path("van-ban-den/", directives.inbox, name="inbox"),
    path("van-ban-den/<int:pk>/", directives.inbox_item, name="inbox-item"),
    path("van-ban-den/<int:pk>/tep.pdf", directives.inbox_file, name="inbox-file"),
    path("van-ban-den/<int:pk>/phan-hoi/", directives.inbox_answer, name="inbox-answer"),
]

urlpatterns += [
    path("bao-cao/", reports.report_list, name="reports"),
    path("bao-cao/yeu-cau/", reports.report_new, name="report-new"),
    path("bao-cao/<int:pk>/", reports.report_detail, name="report"),
    path("bao-cao/<int:pk>/mau/", reports.report_template, name="report-template"),
    path("bao-cao/<int:pk>/tong-hop.xlsx", reports.report_sum, name="report-sum"),
    path("bao-cao/can-nop/", reports.reports_due, name="reports-due"),
    path("bao-cao/mau-so-lieu-hoc-sinh.xlsx", reports.seed_template, name="report-seed-template"),
    path("bao-cao/don-vi/<int:pk>/", reports.report_unit, name="report-unit"),
    path("bao-cao/don-vi/<int:pk>/tep/", reports.report_unit_file, name="report-unit-file"),
    path(
        "bao-cao/don-vi/<int:pk>/mau/",
        reports.report_unit_template,
        name="report-unit-template",
    ),
    path(
        "bao-cao/don-vi/<int:pk>/tra-lai/",
        reports.report_unit_return,
        name="report-unit-return",
    ),
]

urlpatterns += [
    path("kiem-tra/", inspections.inspection_list, name="inspections"),
    path("kiem-tra/mo/", inspections.inspection_new, name="inspection-new"),
    path("kiem-tra/<int:pk>/", inspections.inspection_detail, name="inspection"),
    path("kiem-tra/<int:pk>/ket-luan/", inspections.finding_save, name="inspection-finding"),
    path("kiem-tra/<int:pk>/bien-ban/", inspections.minutes_draw_up, name="inspection-minutes"),
    path("kiem-tra/<int:pk>/gui/", inspections.minutes_send, name="inspection-send"),
    path("tien-do-nhap-diem/<int:pk>/", inspections.progress, name="progress"),
]

urlpatterns += [
    path("tinh-hinh/", dashboard.dashboard_page, name="dashboard"),
    path("tinh-hinh/xuat.xlsx", dashboard.dashboard_export, name="dashboard-export"),
    path("tinh-hinh/tom-tat.pdf", dashboard.dashboard_pdf, name="dashboard-pdf"),
]

urlpatterns += [path("", include("hoso.offices.transformation.urls"))]
