from __future__ import annotations

from django.urls import include, path

from hoso.offices.api import dashboard, directives, inspections, reports

urlpatterns = [
    path("directives/", directives.DirectiveList.as_view(), name="api-offices-directives"),
    path(
        "directives/<int:pk>/", directives.DirectiveDetail.as_view(), name="api-offices-directive"
    ),
    path(
        "directives/<int:pk>/status/",
        directives.DirectiveStatus.as_view(),
        name="api-offices-directive-status",
    ),
    path(
        "directives/<int:pk>/remind/",
        directives.DirectiveRemind.as_view(),
        name="api-offices-directive-remind",
    ),
    path("inbox/", directives.InboxList.as_view(), name="api-offices-inbox"),
    path("inbox/<int:pk>/", directives.InboxItem.as_view(), name="api-offices-inbox-item"),
    path(
        "inbox/<int:pk>/answer/", directives.InboxAnswer.as_view(), name="api-offices-inbox-answer"
    ),
]

urlpatterns += [
    path("reports/", reports.RequestList.as_view(), name="api-offices-reports"),
    path("reports/<int:pk>/", reports.RequestDetail.as_view(), name="api-offices-report"),
    path(
        "reports/<int:pk>/status/",
        reports.RequestStatus.as_view(),
        name="api-offices-report-status",
    ),
    path(
        "reports/<int:pk>/units/",
        reports.RequestUnits.as_view(),
        name="api-offices-report-units",
    ),
    path("unit-reports/", reports.AssignmentList.as_view(), name="api-offices-unit-reports"),
    path(
        "unit-reports/<int:pk>/",
        reports.AssignmentDetail.as_view(),
        name="api-offices-unit-report",
    ),
    path(
        "unit-reports/<int:pk>/submit/",
        reports.AssignmentSubmit.as_view(),
        name="api-offices-unit-report-submit",
    ),
    path(
        "unit-reports/<int:pk>/return/",
        reports.AssignmentReturn.as_view(),
        name="api-offices-unit-report-return",
    ),
]

urlpatterns += [
    path("inspections/", inspections.InspectionList.as_view(), name="api-offices-inspections"),
    path(
        "inspections/<int:pk>/",
        inspections.InspectionDetail.as_view(),
        name="api-offices-inspection",
    ),
    path(
        "inspections/<int:pk>/findings/",
        inspections.InspectionFinding.as_view(),
        name="api-offices-inspection-finding",
    ),
    path(
        "inspections/<int:pk>/minutes/",
        inspections.InspectionMinutes.as_view(),
        name="api-offices-inspection-minutes",
    ),
    path(
        "inspections/<int:pk>/send/",
        inspections.InspectionSend.as_view(),
        name="api-offices-inspection-send",
    ),
    path(
        "schools/<int:pk>/progress/",
        inspections.SchoolProgress.as_view(),
        name="api-offices-progress",
    ),
]

urlpatterns += [
    path("dashboard/", dashboard.DashboardView.as_view(), name="api-offices-dashboard"),
    path("", include("hoso.offices.transformation.api_urls")),
]
