from __future__ import annotations

from django.urls import path

from hoso.offices import api, api_reports

urlpatterns = [
    path("directives/", api.DirectiveList.as_view(), name="api-offices-directives"),
    path("directives/<int:pk>/", api.DirectiveDetail.as_view(), name="api-offices-directive"),
    path(
        "directives/<int:pk>/status/",
        api.DirectiveStatus.as_view(),
        name="api-offices-directive-status",
    ),
    path(
        "directives/<int:pk>/remind/",
        api.DirectiveRemind.as_view(),
        name="api-offices-directive-remind",
    ),
    path("inbox/", api.InboxList.as_view(), name="api-offices-inbox"),
    path("inbox/<int:pk>/", api.InboxItem.as_view(), name="api-offices-inbox-item"),
    path("inbox/<int:pk>/answer/", api.InboxAnswer.as_view(), name="api-offices-inbox-answer"),
]

urlpatterns += [
    path("reports/", api_reports.RequestList.as_view(), name="api-offices-reports"),
    path("reports/<int:pk>/", api_reports.RequestDetail.as_view(), name="api-offices-report"),
    path(
        "reports/<int:pk>/status/",
        api_reports.RequestStatus.as_view(),
        name="api-offices-report-status",
    ),
    path(
        "reports/<int:pk>/units/",
        api_reports.RequestUnits.as_view(),
        name="api-offices-report-units",
    ),
    path("unit-reports/", api_reports.AssignmentList.as_view(), name="api-offices-unit-reports"),
    path(
        "unit-reports/<int:pk>/",
        api_reports.AssignmentDetail.as_view(),
        name="api-offices-unit-report",
    ),
    path(
        "unit-reports/<int:pk>/submit/",
        api_reports.AssignmentSubmit.as_view(),
        name="api-offices-unit-report-submit",
    ),
    path(
        "unit-reports/<int:pk>/return/",
        api_reports.AssignmentReturn.as_view(),
        name="api-offices-unit-report-return",
    ),
]
