"""Vietnamese everywhere (issue 16): every page, as every role of the demo province and as
someone not signed in, shows no English word outside the allow-list below and none of the raw
technical things a person must never see (ISO times, audit codes, identifiers, bare period
codes, project documents, Django's name). What counts as a word, and as English, is in
tests/security/english.py. A failure names the user, the page and the words, so that the string
can be found and put through gettext with a Vietnamese msgid.

Pages are those of the route registry (tests/security/crawl.py), each route once per person
(with the reference teacher's own object, or a colleague's), plus Django's admin site and the
page for a missing address. JSON API answers and downloads are not pages.

Needs the demo province: every page is read as every role of the demo province, on the demo's own
objects (tests/security/crawl.py)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from tests.security.crawl import page_urls
from tests.security.english import english_words, raw_things, seen_text

# Every role of the demo province (README's account table), and nobody signed in.
USERS = (
    None,
    "admin",
    "so.chuyenvien",
    "so.giamdoc",
    "so.vanthu",
    "phong1.chuyenvien",
    "phong1.truongphong",
    "phong1.vanthu",
    "th1.hieutruong",
    "th1.phohieutruong",
    "th1.totruong",
    "th1.giaovien1",
    "th1.vanthu",
    "th1.thuthu",
    "thcs1.giaovien1",
    "mn1.giaovien1",
    "ph.hs1",
)

# Words that are not Vietnamese and still belong on a Vietnamese page, by group.
ALLOWED_WORDS = frozenset(
    # The product, its signing program, and the language switch's name for English in English.
    {"HoSo", "HoSo Signer", "English"}
    # File formats, standards and products as Vietnamese users name them ("USB token" is what
    # Vietnamese certificate authorities sell and every school calls the signing key).
    | {"PDF", "Excel", "Word", "PowerPoint", "OpenDocument", "XML", "EPUB", "USB token", "PKCS"}
    | {"PAdES", "SHA", "ISO", "UTC", "MARC", "MARCXML", "ISBN", "DDC", "Dewey", "CSC", "KB"}
    # The single sign-on providers (hoso.accounts.sso), named as their products are.
    | {"Microsoft", "Google"}
    # Where schools keep their folders before HoSo, as they name them (the Drive import page).
    | {"Google", "Drive", "OneDrive", "Takeout", "ZIP"}
    # Vietnamese abbreviations of schools and their paperwork (trung học cơ sở, sách giáo khoa,
    # giáo viên chủ nhiệm, số thứ tự, công nghệ thông tin, căn cước công dân, cả năm, học kỳ…).
    | {"THCS", "THPT", "SGK", "GVCN", "STT", "CNTT", "CCCD", "GDPT", "CN", "HK", "HKI", "CK"}
    | {"HTXS", "HTT", "VN", "CSDL"}  # CSDL ngành: cơ sở dữ liệu ngành giáo dục
    # Parts of Vietnamese legal document numbers (Thông tư …/TT-BGDĐT, NĐ-CP, …/PGDĐT-CM).
    | {"TT", "CP", "CM", "VP"}
    # Loanwords written the same way in Vietnamese.
    | {"email", "Email", "video", "Video", "camera", "Internet", "Logic", "webhook", "Webhook"}
    # Names of peoples, places and languages as Vietnamese writes them (Ra-glai, Bru-Vân Kiều;
    # the DDC classes' Italia, Rumani, Galicia, Latinh, Italic).
    | {"glai", "Bru", "Italia", "Rumani", "Galicia", "Latinh", "Italic"}
    # Names in the demo data: the demo province (Tỉnh Demo) and the administrator's user name.
    | {"Demo", "admin"}
    # Authors and titles of the demo library's books (data: names as their authors write them).
    | {"Henry", "Doraemon", "Fujiko", "Fujio", "Jules", "Verne", "Antoine", "Saint", "Hector"}
    | {"Malot", "Sapiens", "Yuval", "Noah", "Harari", "Paulo", "Coelho", "Sawyer", "Mark"}
    | {"Twain", "Edmondo", "Amicis", "Conan", "Atlat"}
)

DOWNLOADS = (".pdf", ".xlsx", ".zip", ".xml", ".mrc", ".csv", ".docx", ".odt", ".json", ".p12")
MISSING_PAGE = "/khong-co-trang-nay/"


def admin_pages() -> list[str]:
    """Django's admin site (the administrator's): its index and each app's page. Not yet its
    lists and forms of objects, which Django, allauth and axes build from English field names
    and from the English permission names stored in the database (issue 16, still to do)."""
    urls = {reverse("admin:index")}
    for model in admin.site._registry:
        urls.add(reverse("admin:app_list", kwargs={"app_label": model._meta.app_label}))
    return sorted(urls)


def page_list() -> list[str]:
    pages = [
        url
        for url in page_urls(one_object=True)
        if not url.startswith("/api/") and not urlsplit(url).path.endswith(DOWNLOADS)
    ]
    return [*dict.fromkeys(pages), *admin_pages(), MISSING_PAGE]


def problems_in(html: str) -> list[str]:
    found = []
    for piece in seen_text(html):
        words = english_words(piece, ALLOWED_WORDS)
        if words:
            found.append(f"English {', '.join(dict.fromkeys(words))} in {_short(piece)}")
        found.extend(f"{raw} in {_short(piece)}" for raw in raw_things(piece))
    return found


def _short(piece: str) -> str:
    text = " ".join(piece.split())
    return repr(text if len(text) <= 90 else text[:87] + "…")


def findings_of(client: Client, urls: Iterable[str]) -> Iterator[tuple[str, list[str]]]:
    """(url, problems) for each page among `urls` that the client gets as HTML: 200, or the
    404 page of MISSING_PAGE."""
    for url in urls:
        response = client.get(url)
        wanted = 404 if url == MISSING_PAGE else 200
        if response.status_code != wanted:
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        yield url, problems_in(response.content.decode())


@pytest.mark.django_db
@pytest.mark.long
@pytest.mark.one_pass("sqlite")  # the pages' language does not depend on the engine
@pytest.mark.parametrize("username", USERS, ids=lambda name: name or "anonymous")
def test_every_page_is_vietnamese(username: str | None, client_for: Any) -> None:
    client = client_for(username) if username else Client()
    pages = 0
    problems: dict[str, list[str]] = defaultdict(list)
    for url, found in findings_of(client, page_list()):
        pages += 1
        for problem in dict.fromkeys(found):
            problems[problem].append(url)
    assert pages >= (2 if username is None else 10), f"{username}: too few pages reached"
    report = [f"{problem}\n    on {', '.join(urls[:5])}" for problem, urls in problems.items()]
    assert not report, f"{username or 'anonymous'} sees English or raw codes:\n" + "\n".join(report)


def test_the_detector_tells_english_from_vietnamese_without_marks() -> None:
    assert english_words("Đăng nhập để tiếp tục") == []
    assert english_words("Thong tin hoc sinh truong Nguyen Du, quyen so") == []
    assert english_words("Sign in to continue") == ["Sign", "to", "continue"]
    assert english_words("Toggle the menu") == ["Toggle", "the", "menu"]
    assert english_words("the status of token upload batch") == [
        "the",
        "status",
        "of",
        "token",
        "upload",
        "batch",
    ]
    # Data, numbers and addresses are not words of the interface.
    assert english_words("th1.giaovien1, gv@truong.edu.vn, ke-hoach.docx, TT28, W39") == []
    assert english_words("Học kỳ II, Phụ lục III, xem https://moet.gov.vn/van-ban") == []
    # The allow-list: a listed word anywhere, a listed phrase only as that phrase.
    allowed = frozenset({"PDF", "USB token"})
    assert english_words("Tải PDF; ký bằng USB token", allowed) == []
    assert english_words("Nhập token", allowed) == ["token"]


def test_the_detector_finds_the_raw_codes_the_issue_names() -> None:
    assert raw_things("Lúc 2026-12-03T20:16:30+07:00") == ["ISO time '2026-12-03T20:16'"]
    assert raw_things("accounts.login.ok") == ["audit code 'accounts.login.ok'"]
    assert raw_things(" HK2 ") == ["period code 'HK2'"]
    assert raw_things("W39") == ["period code 'W39'"]
    assert raw_things("Học kỳ 2 (HK2)") == []
    assert raw_things("theo DOMAIN.md") == ["project document 'DOMAIN.md'"]
    assert raw_things("Trang web admin Django") == ["Django 'Django'"]
    assert raw_things("MN, TH, LIEN_CAP") == ["identifier 'LIEN_CAP'"]
    assert raw_things("gv@truong.edu.vn, ke_hoach.pdf, th1.giaovien1, moet.gov.vn") == []


def test_the_seen_text_is_what_a_person_reads_or_hears() -> None:
    html = (
        '<title>Hồ sơ</title><script>var token = "x";</script><style>p{}</style>'
        '<p title="Gợi ý">Chào <code>hoso audit verify</code> <kbd>Ctrl</kbd></p>'
        '<img alt="Ảnh"><input placeholder="Tìm"><input type="submit" value="Lưu">'
        '<input type="hidden" value="secret"><button aria-label="Đóng">×</button>'
    )

    assert seen_text(html) == ["Hồ sơ", "Gợi ý", "Chào ", "Ảnh", "Tìm", "Lưu", "Đóng", "×"]
