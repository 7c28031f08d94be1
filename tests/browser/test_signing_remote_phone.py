"""In the browser, on a phone (390 × 844): the principal signs 40 records remotely (ký số từ
xa) with ONE confirmation on the provider's app: "Chờ ký" → "Ký từ xa tất cả" → the page
waits ("Đang chờ xác nhận trên điện thoại…") and polls → the person confirms once (the CSC
service of tests/csc, real HTTP on loopback, keys in SoftHSM2) → every record signed.

Needs the demo province: a live server on the demo (tests/browser/snapshot.py restores it after
each test empties the database), th1's principal with 40 of the demo's records waiting for the
signature."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from hoso.records.models import RecordVersion
from hoso.signing.documents import read_blob
from hoso.signing.engine.validate import pdfsig_all_intact
from hoso.signing.models import SignatureRecord
from hoso.signing.remote.models import RemoteRequest
from tests.browser.layout import sign_in
from tests.browser.test_signing_flow import unlock_issued_after  # noqa: F401
from tests.csc.fixtures import csc, csc_service, link_remote, records_waiting_for_principal

pytestmark = [pytest.mark.browser, pytest.mark.softhsm]
__all__ = ["csc", "csc_service"]  # fixtures of tests/csc
COUNT = 40


def test_principal_signs_40_records_with_one_remote_confirmation_on_a_phone(
    site: str,
    page_at: Any,
    csc: Any,
    unlock_issued_after: Any,  # noqa: F811
) -> None:
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=["th1.hieutruong", "th1.vanthu"])
    }
    link_remote(csc, users["th1.hieutruong"])
    ids = records_waiting_for_principal(users, COUNT)
    page = page_at(390, 844)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    sign_in(page, site, "th1.hieutruong")

    page.goto(f"{site}/ky-so/cho-ky/")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    page.get_by_test_id("remote-all").click()
    page.get_by_text("Đang chờ xác nhận trên điện thoại…").wait_for()
    remote = RemoteRequest.objects.get(user=users["th1.hieutruong"])
    assert remote.total >= COUNT  # every record waiting for the principal, one request
    assert len(csc.last().hashes) == remote.total  # ONE authorization for all the hashes
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390

    csc.approve(csc.last().authorization_id)  # one confirmation on the phone
    page.get_by_text("Xong:").wait_for(timeout=180_000)  # the page polls, then HoSo signs
    summary = page.get_by_test_id("remote-status").inner_text()
    assert f"đã ký {remote.total}/{remote.total}" in summary, summary
    assert SignatureRecord.objects.filter(version__record_id__in=ids).count() == COUNT
    version = RecordVersion.objects.filter(record_id=ids[-1]).get()
    assert pdfsig_all_intact(read_blob(version.signed_sha256), 1)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    assert errors == [], errors
