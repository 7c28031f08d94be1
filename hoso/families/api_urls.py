from __future__ import annotations

from django.urls import path

from hoso.families import api

urlpatterns = [
    path("consent-text/", api.ConsentText.as_view(), name="api-families-consent-text"),
    path("children/", api.Children.as_view(), name="api-families-children"),
    path("directives/", api.Directives.as_view(), name="api-families-directives"),
    path("children/<int:pk>/consent/", api.ChildConsent.as_view(), name="api-families-consent"),
    path(
        "children/<int:pk>/consent/withdraw/",
        api.ChildWithdraw.as_view(),
        name="api-families-withdraw",
    ),
    path(
        "classes/<int:pk>/consents/",
        api.ClassConsents.as_view(),
        name="api-families-class-consents",
    ),
    path(
        "classes/<int:pk>/contacts/",
        api.ClassContacts.as_view(),
        name="api-families-class-contacts",
    ),
    path(
        "classes/<int:pk>/invitations/",
        api.EmailInvite.as_view(),
        name="api-families-invite",
    ),
    path("classes/<int:pk>/codes/", api.CodeSheet.as_view(), name="api-families-codes"),
    path(
        "classes/<int:pk>/paper-consents/",
        api.PaperConsent.as_view(),
        name="api-families-paper-consent",
    ),
]
