from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

DEFAULT_ISSUERS = {
    "microsoft": "https://login.microsoftonline.com/<tenant-id>/v2.0",
    "google": "https://accounts.google.com",
}


class SsoProviderForm(forms.Form):
    enabled = forms.BooleanField(label=_("Bật đăng nhập bằng nhà cung cấp này"), required=False)
    issuer_url = forms.CharField(label=_("Địa chỉ nhà cung cấp (issuer)"), max_length=300)
    client_id = forms.CharField(label=_("Mã ứng dụng (client ID)"), max_length=200)
    client_secret = forms.CharField(
        label=_("Khóa bí mật (client secret)"),
        max_length=500,
        required=False,
        widget=forms.PasswordInput(render_value=False),
    )
    allowed_domains = forms.CharField(
        label=_("Tên miền thư điện tử được phép (mỗi dòng một tên miền)"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
