"""Forms of the families pages (the services validate again: these only shape the input)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hoso.families.models import Relation


class RedeemForm(forms.Form):
    code = forms.CharField(label=_("Mã mời"), max_length=80)
    relation = forms.ChoiceField(label=_("Quan hệ với học sinh"), choices=Relation.choices)
    full_name = forms.CharField(label=_("Họ và tên của bạn"), max_length=120, required=False)
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=40, required=False)
    password1 = forms.CharField(
        label=_("Mật khẩu"), widget=forms.PasswordInput, max_length=128, required=False
    )
    password2 = forms.CharField(
        label=_("Nhập lại mật khẩu"), widget=forms.PasswordInput, max_length=128, required=False
    )

    def __init__(self, *args: Any, signed_in: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if signed_in:  # the child is added to the account in use: no new account
            for name in ("full_name", "username", "password1", "password2"):
                del self.fields[name]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "password1" in self.fields and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("Hai mật khẩu không giống nhau."))
        return data


class ContactForm(forms.Form):
    phone = forms.CharField(label=_("Số điện thoại"), max_length=20, required=False)
    email = forms.CharField(label=_("Thư điện tử"), max_length=254, required=False)
