from __future__ import annotations

from django.urls import path

from hoso.records.api import chains, office_types, signing, views
from hoso.records.evidence.api_urls import urlpatterns as evidence_urlpatterns

urlpatterns = [
    *evidence_urlpatterns,
    # signing a record's pending step (the signature goes through hoso.signing's door)
    path("records/<int:pk>/sign/", signing.RecordSign.as_view(), name="api-record-sign"),
    path(
        "records/<int:pk>/sign/prepare/",
        signing.RecordSignPrepare.as_view(),
        name="api-record-sign-prepare",
    ),
    path(
        "records/<int:pk>/sign/complete/",
        signing.RecordSignComplete.as_view(),
        name="api-record-sign-complete",
    ),
    path("records/<int:pk>/seal/", signing.RecordSeal.as_view(), name="api-record-seal"),
    path(
        "records/<int:pk>/signatures/",
        signing.RecordSignatures.as_view(),
        name="api-record-signatures",
    ),
    path("record-types/", views.RecordTypeList.as_view(), name="api-record-types"),
    path("records/", views.RecordList.as_view(), name="api-records"),
    path("records/<int:pk>/", views.RecordDetail.as_view(), name="api-record"),
    path("records/<int:pk>/versions/", views.VersionList.as_view(), name="api-record-versions"),
    path(
        "records/<int:pk>/versions/<int:number>/file",
        views.VersionFile.as_view(what="original"),
        name="api-record-version-file",
    ),
    path(
        "records/<int:pk>/versions/<int:number>/pdf",
        views.VersionFile.as_view(what="pdf"),
        name="api-record-version-pdf",
    ),
    path(
        "records/<int:pk>/submit/",
        views.Transition.as_view(action="submit"),
        name="api-record-submit",
    ),
    path(
        "records/<int:pk>/sign-and-submit/",
        views.SignAndSubmit.as_view(),
        name="api-record-sign-and-submit",
    ),
    path(
        "records/<int:pk>/withdraw/",
        views.Withdraw.as_view(),
        name="api-record-withdraw",
    ),
    path(
        "records/<int:pk>/approve/",
        views.Transition.as_view(action="approve"),
        name="api-record-approve",
    ),
    path(
        "records/<int:pk>/return/",
        views.Transition.as_view(action="return"),
        name="api-record-return",
    ),
    path("signing-chains/", chains.ChainList.as_view(), name="api-signing-chains"),
    path(
        "signing-chains/<int:unit_id>/<int:type_id>/",
        chains.ChainDetail.as_view(),
        name="api-signing-chain",
    ),
    path("office-record-types/", office_types.OfficeTypeList.as_view(), name="api-office-types"),
    path(
        "office-record-types/delegation/<int:unit_id>/",
        office_types.TypeDelegationView.as_view(),
        name="api-office-type-delegation",
    ),
    path(
        "office-record-types/<int:pk>/",
        office_types.OfficeTypeDetail.as_view(),
        name="api-office-type",
    ),
    path(
        "office-record-types/<int:pk>/adapt/",
        office_types.OfficeTypeAdapt.as_view(),
        name="api-office-type-adapt",
    ),
    path(
        "office-record-types/<int:pk>/retire/",
        office_types.OfficeTypeRetire.as_view(),
        name="api-office-type-retire",
    ),
    path("due-items/", views.DueItemList.as_view(), name="api-due-items"),
    path("due-items/<int:pk>/extend/", views.DueItemExtend.as_view(), name="api-due-item-extend"),
    path("completion/", views.CompletionView.as_view(), name="api-completion"),
]
