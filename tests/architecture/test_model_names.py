"""Every model of HoSo names itself in Vietnamese: the admin's lists and Django's messages about
an object ("… với khóa này đã tồn tại", "không thể xóa … vì …") show verbose_name, which
otherwise defaults to the English class name."""

from __future__ import annotations

from django.apps import apps
from django.utils import translation


def _hoso_models() -> list[type]:
    return [m for m in apps.get_models() if m.__module__.startswith("hoso.")]


def test_every_model_has_a_vietnamese_name() -> None:
    unnamed = [
        m._meta.label
        for m in _hoso_models()
        if not {"verbose_name", "verbose_name_plural"} <= set(m._meta.original_attrs)
    ]
    assert not unnamed, f"Give these models verbose_name and verbose_name_plural: {unnamed}"


def test_the_names_are_not_the_class_names() -> None:
    with translation.override("vi"):
        english = [
            m._meta.label
            for m in _hoso_models()
            if str(m._meta.verbose_name).replace(" ", "") == m.__name__.lower()
        ]
    assert not english, english
