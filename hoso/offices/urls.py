from __future__ import annotations

from django.urls import path

from hoso.offices import views, views_dashboard, views_inspections, views_reports

app_name = "offices"

urlpatterns = [
    path("chi-dao/", views.directives, name="directives"),
    path("chi-dao/gui/", views.directive_new, name="directive-new"),
    path("chi-dao/<int:pk>/", views.directive_detail, name="directive"),
    path("chi-dao/<int:pk>/xuat.xlsx", views.directive_export, name="directive-export"),
    path("chi-dao/<int:pk>/nhac/", views.directive_remind, name="directive-remind"),
    path("van-ban-den/", views.inbox, name="inbox"),
    path("van-ban-den/<int:pk>/", views.inbox_item, name="inbox-item"),
    path("van-ban-den/<int:pk>/tep.pdf", views.inbox_file, name="inbox-file"),
    path("van-ban-den/<int:pk>/phan-hoi/", views.inbox_answer, name="inbox-answer"),
]

urlpatterns += [
    path("bao-cao/", views_reports.report_list, name="reports"),
    path("bao-cao/yeu-cau/", views_reports.report_new, name="report-new"),
    path("bao-cao/<int:pk>/", views_reports.report_detail, name="report"),
    path("bao-cao/<int:pk>/mau/", views_reports.report_template, name="report-template"),
    path("bao-cao/<int:pk>/tong-hop.xlsx", views_reports.report_sum, name="report-sum"),
    path("bao-cao/can-nop/", views_reports.reports_due, name="reports-due"),
    path("bao-cao/don-vi/<int:pk>/", views_reports.report_unit, name="report-unit"),
    path("bao-cao/don-vi/<int:pk>/tep/", views_reports.report_unit_file, name="report-unit-file"),
    path(
        "bao-cao/don-vi/<int:pk>/mau/",
        views_reports.report_unit_template,
        name="report-unit-template",
    ),
    path(
        "bao-cao/don-vi/<int:pk>/tra-lai/",
        views_reports.report_unit_return,
        name="report-unit-return",
    ),
]

urlpatterns += [
    path("kiem-tra/", views_inspections.inspection_list, name="inspections"),
    path("kiem-tra/mo/", views_inspections.inspection_new, name="inspection-new"),
    path("kiem-tra/<int:pk>/", views_inspections.inspection_detail, name="inspection"),
    path("kiem-tra/<int:pk>/ket-luan/", views_inspections.finding_save, name="inspection-finding"),
    path(
        "kiem-tra/<int:pk>/bien-ban/", views_inspections.minutes_draw_up, name="inspection-minutes"
    ),
    path("kiem-tra/<int:pk>/gui/", views_inspections.minutes_send, name="inspection-send"),
    path("tien-do-nhap-diem/<int:pk>/", views_inspections.progress, name="progress"),
]

urlpatterns += [
    path("tinh-hinh/", views_dashboard.dashboard_page, name="dashboard"),
    path("tinh-hinh/xuat.xlsx", views_dashboard.dashboard_export, name="dashboard-export"),
]
