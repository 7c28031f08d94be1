from __future__ import annotations

from django import forms

# What the issuer field starts with for a province that has not configured the provider yet.
DEFAULT_ISSUERS = {
    "microsoft": "https://login.microsoftonline.com/<tenant-id>/v2.0",
    "google": "https://accounts.google.com",
}


class SsoProviderForm(forms.Form):
    """The fields of hoso.accounts.sso.services.sso_provider_save (labels: the template)."""

    enabled = forms.BooleanField(required=False)
    issuer_url = forms.CharField(max_length=300)
    client_id = forms.CharField(max_length=200)
    client_secret = forms.CharField(
        max_length=500, required=False, widget=forms.PasswordInput(render_value=False)
    )
    allowed_domains = forms.CharField(
        required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 4})
    )
