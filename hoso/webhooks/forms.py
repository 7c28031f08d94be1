from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hoso.webhooks.models import SUBSCRIBABLE


class EndpointForm(forms.Form):
    name = forms.CharField(label=_("Tên gợi nhớ"), max_length=120)
    url = forms.CharField(
        label=_("Địa chỉ nhận (https://…)"),
        max_length=500,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    events = forms.MultipleChoiceField(
        label=_("Sự kiện muốn nhận"),
        choices=[(kind.value, kind.label) for kind in SUBSCRIBABLE],
        widget=forms.CheckboxSelectMultiple,
    )


class EndpointAddForm(EndpointForm):
    unit = forms.TypedChoiceField(label=_("Đơn vị"), coerce=int)

    def __init__(self, *args: Any, units: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(unit.pk, unit.name) for unit in units]


class EndpointEditForm(EndpointForm):
    is_active = forms.BooleanField(label=_("Đang hoạt động"), required=False)
