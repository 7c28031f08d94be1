"""Crash safety of the library's Excel import (hoso.library.services.imports.excel_import,
through the real web form): the web server is SIGKILLed at a random moment while a school
librarian's catalogue list is being imported, and restarted. Proves: after every kill the
school's catalogue holds either the whole file (every title with its two copies, the số ĐKCB
counter moved past them, one audit entry) or nothing of it — never part of a file; a file that
was imported is refused when sent again (its barcodes are taken) and changes nothing; one last
import without a kill succeeds; after one run of the scheduled sweep (titles still marked
`index_pending`) the union catalogue's search index has every title, with no
`hoso library_reindex`; the audit chain and the blob store verify.

Titles of an import that committed just before a kill can be missing from the search index (it
is written after the commit) until the sweep runs: counted in the figures.

Each row of a file is one title with two copies whose barcodes the file gives, so that a second
import of the same file is refused. A file that was not imported is sent again in the next
round, as a librarian would after the page broke off.

CI runs a reduced form (HOSO_CRASH_LIBRARY_ROWS, default 1500; HOSO_CRASH_LIBRARY_ROUNDS,
default 4). A bigger run:
    HOSO_CRASH_LIBRARY_ROWS=8000 HOSO_CRASH_LIBRARY_ROUNDS=12 \
        .venv/bin/pytest tests/crash/test_library_crash.py -m crash -s
"""

from __future__ import annotations

import http.client
import http.cookiejar
import io
import os
import random
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from hoso.library.excel import COLUMNS
from tests.crash.harness import Installation, multipart, own_database

ROWS = int(os.environ.get("HOSO_CRASH_LIBRARY_ROWS", "1500"))
ROUNDS = int(os.environ.get("HOSO_CRASH_LIBRARY_ROUNDS", "4"))
LIBRARIAN = "th1.thuthu"
PASSWORD = "hoso-demo-2025"  # noqa: S105 — the demo installation's password
PREFIX = "CRASHLIB"  # titles and barcodes of the test's files start with it
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
INSPECT = "tests.crash.inspect_library"

# own_world: the test's world is the installation's own database; the test database (and the
# demo province in it) is not needed, and is not set up when no other test of the run needs it.
# One pass of `make test`, PostgreSQL's (see test_hocba_crash.py).
pytestmark = [pytest.mark.crash, pytest.mark.own_world, pytest.mark.one_pass("postgresql")]


def catalogue_file(tag: str, rows: int) -> bytes:
    """The library's Excel list (the columns of the template): `rows` titles, two copies each."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([label for _, label in COLUMNS])
    keys = [key for key, _ in COLUMNS]
    for n in range(1, rows + 1):
        code = f"{PREFIX}{tag}-{n:05d}"
        row = {
            "title": f"{code} Truyện đọc thêm số {n} {PREFIX}{tag}",  # a word for the search
            "authors": f"Tác giả {n % 97}",
            "publisher": "Nhà xuất bản Giáo dục Việt Nam",
            "pub_place": "Hà Nội",
            "pub_year": 2000 + n % 25,
            "kind": "Sách tham khảo",
            "subject": "Văn học",
            "class_number": "895.922",
            "count": 2,
            "price": 25000,
            "location": "Kho mở",
            "barcodes": f"{code}-1,{code}-2",
        }
        sheet.append([row.get(key, "") for key in keys])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the 302 itself is the answer to look at


class Browser:
    """A signed-in librarian: the session and CSRF cookies, as a browser keeps them."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect()
        )

    def csrf(self) -> str:
        return next(c.value for c in self.cookies if c.name == "csrftoken")

    def request(
        self, path: str, body: bytes | None = None, content_type: str = "", timeout: float = 300
    ) -> tuple[int, str, str]:
        """(status, Location, body text); status 0 when the connection broke off."""
        headers = {"X-CSRFToken": self.csrf()} if body is not None else {}
        if content_type:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(self.base + path, data=body, headers=headers)  # noqa: S310
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, "", response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            text = error.read().decode("utf-8", "replace")
            return error.code, error.headers.get("Location", ""), text
        except (OSError, http.client.HTTPException):  # killed mid-request
            return 0, "", ""

    def login(self, username: str, password: str) -> None:
        status, _, _ = self.request("/tai-khoan/login/")
        assert status == 200, status
        form = urllib.parse.urlencode(
            {"login": username, "password": password, "csrfmiddlewaretoken": self.csrf()}
        ).encode()
        status, location, text = self.request(
            "/tai-khoan/login/", form, "application/x-www-form-urlencoded"
        )
        assert (status, location) == (302, "/"), (status, location, text[:500])

    def import_excel(self, school: int, data: bytes, name: str) -> tuple[int, str, str]:
        body, content_type = multipart(
            {"csrfmiddlewaretoken": self.csrf(), "format": "excel"},
            {"file": (name, data, XLSX)},
        )
        return self.request(f"/thu-vien/{school}/nhap-xuat/", body, content_type)


def _error_text(page: str) -> str:
    found = re.search(r'<div class="notice error"[^>]*>(.*?)</div>', page, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1) if found else page[:300]))


@pytest.fixture
def database_url() -> Iterator[str]:
    """Empty on SQLite (a file in the installation); on PostgreSQL a database of its own."""
    url, cleanup = own_database()
    yield url
    cleanup()


def test_library_import_is_all_or_nothing_under_sigkill(tmp_path: Path, database_url: str):
    site = Installation(tmp_path / "data", database_url=database_url)
    clock = time.monotonic()
    site.setup()
    setup_took = time.monotonic() - clock
    school = site.script_module(INSPECT, "school", LIBRARIAN)
    done = f"/thu-vien/{school}/muc-luc/"  # where an import that succeeded sends the librarian

    def catalogue() -> dict[str, Any]:
        return site.script_module(INSPECT, "catalogue", str(school), PREFIX)

    rng = random.Random(20250611)
    files: dict[str, bytes] = {}  # made when first sent
    # Two edits apart ("F0Q0", "F1Q1"): the search tolerates one typo, so "…F00" would also
    # find the titles of "…F01" and the index counts below would add up two files.
    tags = iter([f"F{n}Q{n}" for n in range(ROUNDS + 2)])
    started = time.monotonic()
    figures = dict.fromkeys(["no_answer", "committed", "unanswered_commit", "mid_write"], 0)
    delays: list[str] = []
    site.start_web()
    try:
        browser = Browser(site.base)
        browser.login(LIBRARIAN, PASSWORD)
        before = catalogue()
        assert before["mixed"] == [] and before["by_file"] == {}, before

        # Calibration: one import without a kill (how long it takes), then the same file again
        # (refused: its barcodes are taken).
        tag = next(tags)
        files[tag] = catalogue_file(tag, ROWS)
        clock = time.monotonic()
        status, location, page = browser.import_excel(school, files[tag], f"{tag}.xlsx")
        took = time.monotonic() - clock
        assert (status, location) == (302, done), (status, location, _error_text(page))
        before = _check(catalogue(), before, tag, imported=True)
        figures["committed"] += 1
        before = _refused(browser, school, files[tag], tag, catalogue, before)

        # The kills: round i waits a random time within the i-th of ROUNDS equal slices of
        # the time an import takes (rounds in random order), so that they land all along it:
        # while the file is sent and read, during the writes, after the commit.
        slices = list(range(ROUNDS))
        rng.shuffle(slices)
        tag = next(tags)
        files[tag] = catalogue_file(tag, ROWS)
        for part in slices:
            delay = 0.05 + (part + rng.random()) * max(0.05, took - 0.05) / ROUNDS
            result: dict[str, Any] = {}
            sender = threading.Thread(
                target=lambda t=tag, out=result: out.update(
                    answer=browser.import_excel(school, files[t], f"{t}.xlsx")
                )
            )
            sender.start()
            time.sleep(delay)
            site.kill("web")
            sender.join()
            site.start_web()
            status, location, page = result["answer"]
            after = catalogue()
            imported = after["by_file"].get(tag, {}).get("records", 0) > 0
            delays.append(f"{delay:.2f}{'*' if imported else ''}")
            if status:  # an answer came before the kill: it says what happened
                assert (status, location) == (302, done), (status, location, _error_text(page))
                assert imported, f"{tag}: acknowledged import not in the catalogue"
            else:
                figures["no_answer"] += 1
                figures["unanswered_commit"] += imported
            sequence = (before["title_id_sequence"], after["title_id_sequence"])
            figures["mid_write"] += (
                not imported and None not in sequence and sequence[1] > sequence[0]
            )
            before = _check(after, before, tag, imported=imported)
            if imported:  # sent again, as after a page that broke off: refused
                figures["committed"] += 1
                before = _refused(browser, school, files[tag], tag, catalogue, before)
                tag = next(tags)
                files[tag] = catalogue_file(tag, ROWS)

        # The last import, without a kill, succeeds (a file no round managed to import is sent
        # once more as it was).
        status, location, page = browser.import_excel(school, files[tag], f"{tag}.xlsx")
        assert (status, location) == (302, done), (status, location, _error_text(page))
        before = _check(catalogue(), before, tag, imported=True)
        figures["committed"] += 1
    finally:
        site.stop()
    took_rounds = time.monotonic() - started

    # Titles are put in the union catalogue's search index after their transaction commits
    # (hoso.library.search_index.index_later); a kill in between leaves them out of it, marked
    # for the sweep. Counted, then the sweep runs once, then checked.
    found = site.script_module(INSPECT, "indexed", str(school), PREFIX, *files)
    unindexed = {t: ROWS - n for t, n in found.items() if n != ROWS}
    swept = site.script_module(INSPECT, "sweep")["indexed"]
    print(  # noqa: T201 — the figures of the run
        f"\nlibrary crash test: {ROWS} rows ({2 * ROWS} copies) a file, {ROUNDS} rounds, "
        f"one import {took:.2f} s, kills before the answer {figures['no_answer']}/{ROUNDS}, "
        f"delays {' '.join(delays)} (* = imported), {figures['committed']} imports committed "
        f"({figures['unanswered_commit']} without an answer), rolled back after writing "
        f"titles {figures['mid_write'] if database_url else '?'}, titles missing from the "
        f"search index before the sweep {unindexed or 0} (the sweep indexed {swept}), "
        f"{took_rounds:.0f} s "
        f"(installation set up in {setup_took:.0f} s)"
    )
    assert before["imports_audited"] == figures["committed"]
    found = site.script_module(INSPECT, "indexed", str(school), PREFIX, *files)
    assert found == dict.fromkeys(files, ROWS), found
    assert swept >= sum(unindexed.values())
    assert site.script_module(INSPECT, "audit")["problem"] is None
    site.run("hoso.cli", "scrub", "--no-notify")


def _refused(
    browser: Browser, school: int, data: bytes, tag: str, catalogue: Any, before: dict
) -> dict:
    """The file `tag`, imported already, is sent again: refused, nothing changes."""
    status, _, page = browser.import_excel(school, data, f"{tag}.xlsx")
    assert status == 400, (status, _error_text(page))
    assert "đã có trong thư viện" in _error_text(page), _error_text(page)
    return _check(catalogue(), before, tag, imported=False)


def _check(after: dict[str, Any], before: dict[str, Any], tag: str, imported: bool) -> dict:
    """The catalogue moved by exactly one whole file (`imported`) or not at all."""
    grow = ROWS if imported else 0
    assert after["mixed"] == [], after["mixed"]
    assert after["records"] == before["records"] + grow, (tag, imported, before, after)
    assert after["copies"] == before["copies"] + 2 * grow, (tag, imported, before, after)
    assert after["next_reg_number"] == before["next_reg_number"] + 2 * grow, (before, after)
    assert after["next_reg_number"] > after["max_reg_number"], after
    assert after["imports_audited"] == before["imports_audited"] + imported, (before, after)
    whole = {"records": ROWS, "copies": 2 * ROWS, "odd": 0}
    for name, counts in after["by_file"].items():
        assert counts == whole, f"file {name} imported in part: {counts}"
    if not imported:
        assert after["by_file"].get(tag) == before["by_file"].get(tag), (tag, before, after)
    return after
