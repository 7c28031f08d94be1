"""The official học bạ form (TT 27/2020 for tiểu học, TT 22/2021 otherwise): its layout and
the particulars, history and completion it adds to a student's grades. Both belong to
hoso.books, the app of the official books, which registers them from BooksConfig.ready();
grading renders through this registry, so that it does not import books (books reads grades).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hoso.org.models import Student, Unit


@dataclass(frozen=True)
class HocBaForm:
    # (version data, number) -> the form's HTML, printed by hoso.grading.outputs.render
    html: Callable[[dict[str, Any], int], str]
    # (version data, number) -> the form as PDF, with an empty signature field in each
    # signer's block (hoso.grading.hocba.chain.SIGN_FIELDS)
    pdf: Callable[[dict[str, Any], int], bytes]
    # (html, base URL) or None -> (PDF, signature places) or None: `pdf`'s layout step alone,
    # a module-level function importing no app, for the pool's processes (hoso.core.cores)
    lay_out: Callable[[tuple[str, str] | None], tuple[bytes, list[Any]] | None]
    # (class, student, level, result, overall) -> what the form adds to hoc_ba_data
    additions: Callable[[Unit, Student, str, dict[str, Any], dict[str, Any]], dict[str, Any]]


_FORM: list[HocBaForm] = []


def use_hocba_form(form: HocBaForm) -> None:
    _FORM[:] = [form]


def hocba_form() -> HocBaForm:
    if not _FORM:
        raise LookupError("No học bạ form registered (hoso.books registers it when it loads)")
    return _FORM[0]
