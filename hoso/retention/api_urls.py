from __future__ import annotations

from django.urls import path

from hoso.retention import api

urlpatterns = [
    path("retention/proposals/", api.ProposalList.as_view(), name="api-retention-proposals"),
    path(
        "retention/proposals/<int:pk>/",
        api.ProposalDetail.as_view(),
        name="api-retention-proposal",
    ),
    path(
        "retention/proposals/<int:pk>/approve/",
        api.ProposalApprove.as_view(),
        name="api-retention-approve",
    ),
    path(
        "retention/proposals/<int:pk>/refuse/",
        api.ProposalRefuse.as_view(),
        name="api-retention-refuse",
    ),
    path("retention/types/<int:pk>/", api.PeriodSet.as_view(), name="api-retention-period"),
]
