"""In the browser: a demo teacher's record goes submit → approve (TTCM) → HT signs in
"Chờ ký" → văn thư seals in "Chờ đóng dấu" → issued; the signatures page calls it valid.

Needs the demo province: a live server on the demo (tests/browser/snapshot.py restores it after
each test empties the database), a demo teacher's record through the demo's chain (TTCM,
principal, văn thư) with the demo PKI."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from hoso.org.demo import register_demo_step
from hoso.records.models import Record, RecordState, RecordVersion
from hoso.signing.documents import read_blob
from hoso.signing.engine.validate import pdfsig_all_intact
from hoso.signing.tests.factories import CHAIN_REVIEW_SIGN_SEAL, uploaded_record
from tests.browser.layout import sign_in

pytestmark = pytest.mark.browser


def _catalogue_first(province: Any) -> None:
    """After a live-server test the flush also empties the record-type catalogue (a data
    migration); tests/browser/fixtures.py reloads only the demo, whose records step needs it."""
    from hoso.records.catalogue import load_catalogue
    from hoso.records.models import RecordType

    if not RecordType.objects.filter(owner_unit=None).exists():
        load_catalogue(RecordType)


register_demo_step(_catalogue_first, order=0)
DEMO_PASSWORD = "hoso-demo-2025"


@pytest.fixture
def unlock_issued_after(site: str) -> Any:
    """pytest-django empties the live-server database with DELETE on SQLite, which the records
    trigger "an issued version is never deleted" refuses; un-issue our rows first (tests only)."""
    yield
    import importlib

    from django.db import connection

    if connection.vendor != "sqlite":
        return  # PostgreSQL flushes with TRUNCATE, which row triggers do not see
    migration = importlib.import_module(
        "hoso.records.migrations.0002_catalogue_and_immutable_versions"
    )
    with connection.cursor() as cursor:
        for statement in migration.SQLITE_DROP:
            cursor.execute(statement)
        cursor.execute("UPDATE records_recordversion SET issued_at = NULL")
        for statement in migration.SQLITE:
            cursor.execute(statement)


def _watch(page: Any, errors: list[str]) -> None:
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)


def _as(page_at: Any, site: str, username: str, errors: list[str]) -> Any:
    page = page_at(390, 844) if username.endswith("vanthu") else page_at()
    _watch(page, errors)
    sign_in(page, site, username)
    return page


def test_teacher_record_is_signed_sealed_and_issued(
    site: str, page_at: Any, unlock_issued_after: Any
) -> None:
    users = get_user_model().objects
    record = uploaded_record(users.get(username="th1.giaovien1"), CHAIN_REVIEW_SIGN_SEAL)
    errors: list[str] = []

    teacher = _as(page_at, site, "th1.giaovien1", errors)
    teacher.goto(f"{site}/ho-so/{record.pk}/")
    teacher.get_by_role("button", name="Trình duyệt").click()
    teacher.wait_for_load_state("networkidle")

    leader = _as(page_at, site, "th1.totruong", errors)
    leader.goto(f"{site}/ho-so/{record.pk}/")
    leader.get_by_role("button", name="Duyệt", exact=True).click()
    leader.wait_for_load_state("networkidle")
    assert Record.objects.get(pk=record.pk).state == RecordState.APPROVED

    principal = _as(page_at, site, "th1.hieutruong", errors)
    principal.goto(f"{site}/ky-so/cho-ky/")
    row = principal.locator(f"#ho-so-{record.pk}")
    row.get_by_text("Ký", exact=True).click()
    row.get_by_label("Mật khẩu chứng thư số (hoặc PIN)").fill(DEMO_PASSWORD)
    row.get_by_role("button", name="Ký số").click()
    principal.wait_for_load_state("networkidle")
    assert "Đã ký số hồ sơ." in principal.locator("main").inner_text()

    clerk = _as(page_at, site, "th1.vanthu", errors)  # on a phone-sized screen
    clerk.goto(f"{site}/ky-so/cho-dong-dau/")
    row = clerk.locator(f"#ho-so-{record.pk}")
    row.get_by_text("Đóng dấu", exact=True).first.click()
    row.get_by_label("Mật khẩu chứng thư con dấu").fill(DEMO_PASSWORD)
    row.get_by_role("button", name="Đóng dấu").last.click()
    clerk.wait_for_load_state("networkidle")
    assert "Đã đóng dấu hồ sơ." in clerk.locator("main").inner_text()

    record.refresh_from_db()
    assert record.state == RecordState.ISSUED
    version = RecordVersion.objects.get(record=record)
    assert version.issued_at is not None
    assert pdfsig_all_intact(read_blob(version.signed_sha256), 2)

    clerk.goto(f"{site}/ky-so/ho-so/{record.pk}/")
    verdict = clerk.locator("article.verdict").first
    assert verdict.get_attribute("data-verdict") == "valid"
    assert "Cả 2 chữ ký hợp lệ" in verdict.inner_text()
    # The record page loads the same panel (htmx) for each version.
    teacher.goto(f"{site}/ho-so/{record.pk}/")
    teacher.wait_for_selector("#record-signatures")
    panel = teacher.locator("#record-signatures")
    assert panel.locator("article.verdict").first.get_attribute("data-verdict") == "valid"
    assert "Cả 2 chữ ký hợp lệ" in panel.inner_text()
    assert errors == [], errors
