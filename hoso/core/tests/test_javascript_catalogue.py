"""The static scripts' strings go through Django's JavaScript catalogue: the catalogue answers
in both languages, cached by version, and every gettext()/ngettext() string of the scripts has
its English translation in hoso/locale/en/LC_MESSAGES/djangojs.po (compiled in djangojs.mo)."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from hoso.core.locale import javascript_catalogue_version
from hoso.core.templatetags.hoso_i18n import javascript_catalogue_url

ROOT = Path(__file__).resolve().parents[3]
PO = ROOT / "hoso/locale/en/LC_MESSAGES/djangojs.po"
MO = PO.with_suffix(".mo")
# HoSo's own scripts (not the vendored libraries under static/vendor/).
SCRIPTS = sorted(p for p in (ROOT / "hoso").glob("*/static/**/*.js") if "vendor" not in p.parts)

_STRING = r'"((?:[^"\\\n]|\\.)*)"'
# gettext("…") and ngettext("…", "…", n): the msgids as the catalogue is asked for them.
_CALL = re.compile(r"\b(n?gettext)\(\s*" + _STRING + r"(?:\s*,\s*" + _STRING + r")?")
_ANY_CALL = re.compile(r"\bn?gettext\(")
_COMMENT = re.compile(r"^\s*//.*$|(?<=[;,{}()\s])//[^\"\n]*$", re.M)
_LITERAL = re.compile(_STRING)
_VIETNAMESE = re.compile(r"[À-ỹ]")


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m[1], m[1]), text)


def _code(path: Path) -> str:
    return _COMMENT.sub("", path.read_text("utf-8"))


def script_msgids() -> dict[str, str]:
    """Every msgid of the scripts (singular and plural) → the script it is in."""
    found: dict[str, str] = {}
    for path in SCRIPTS:
        for call in _CALL.finditer(_code(path)):
            kind, singular, plural = call.groups()
            assert (plural is not None) == (kind == "ngettext"), f"{path.name}: {call[0]}"
            for msgid in (singular, plural):
                if msgid is not None:
                    found[_unescape(msgid)] = path.name
    return found


def po_entries(text: str) -> dict[str, list[str]]:
    """msgid → its translations (one, or one per plural form) of a .po file; fuzzy entries are
    not translations."""
    entries: dict[str, list[str]] = {}
    for block in text.strip().split("\n\n"):
        if "#, fuzzy" in block:
            continue
        fields: dict[str, str] = {}
        key = ""
        for line in block.splitlines():
            if line.startswith("#"):
                continue
            head = re.match(r"^(msgid_plural|msgid|msgstr(?:\[\d\])?) ", line)
            if head:
                key = head[1]
                line = line[head.end() :]
            fields[key] = fields.get(key, "") + _unescape(line.strip()[1:-1])
        translations = [
            value for name, value in sorted(fields.items()) if name.startswith("msgstr")
        ]
        entries[fields["msgid"]] = translations
        if "msgid_plural" in fields:
            entries[fields["msgid_plural"]] = translations
    return entries


def test_the_scripts_are_found_and_use_the_catalogue():
    names = {path.name for path in SCRIPTS}
    assert {"hoso.js", "agent.js", "grid.js", "scan.js", "dashboard.js"} <= names
    assert len(script_msgids()) > 30


def test_every_gettext_call_of_the_scripts_takes_a_string_literal():
    # A msgid built at run time cannot be extracted, so it would never be translated.
    for path in SCRIPTS:
        code = _code(path)
        calls = len(_ANY_CALL.findall(code))
        literal = len(_CALL.findall(code))
        assert calls == literal, f"{path.name}: gettext() of something else than a string"


def bypassing(code: str) -> list[str]:
    """The string literals in Vietnamese that are not the msgid of a gettext()/ngettext()."""
    msgids = set()
    for call in _CALL.finditer(code):
        msgids |= {call.span(2), call.span(3)}
    return [
        literal[0]
        for literal in _LITERAL.finditer(code)
        if _VIETNAMESE.search(literal[1]) and literal.span(1) not in msgids
    ]


def test_no_vietnamese_string_of_the_scripts_bypasses_the_catalogue():
    found = {path.name: bypassing(_code(path)) for path in SCRIPTS}
    assert {name: strings for name, strings in found.items() if strings} == {}


def test_every_string_of_the_scripts_has_an_english_translation():
    entries = po_entries(PO.read_text("utf-8"))
    untranslated = [
        f"{script}: {msgid!r}"
        for msgid, script in script_msgids().items()
        if not entries.get(msgid) or not all(entries[msgid])
    ]
    assert untranslated == [], "Translate in djangojs.po, then compile it:\n" + "\n".join(
        untranslated
    )


def test_the_compiled_catalogue_is_the_po_file():
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for msgid, translations in po_entries(PO.read_text("utf-8")).items():
        if not msgid:
            continue
        if len(translations) == 1:
            assert compiled.gettext(msgid) == translations[0], f"recompile djangojs.mo: {msgid!r}"
        else:
            assert [compiled.ngettext(msgid, msgid, n) for n in (1, 2)] == translations, msgid


def test_the_checks_recognise_what_they_must_refuse():
    entries = po_entries('msgid "Đã lưu"\nmsgstr ""\n\n#, fuzzy\nmsgid "Đang lưu"\nmsgstr "Saving"')
    assert entries == {"Đã lưu": [""]}
    code = 'say(gettext("Đã ký")); say("Đã ký xong"); x = ngettext("1 ô", "%(n)s ô", n);'
    assert [m.groups() for m in _CALL.finditer(code)] == [
        ("gettext", "Đã ký", None),
        ("ngettext", "1 ô", "%(n)s ô"),
    ]
    assert bypassing(code) == ['"Đã ký xong"']
    assert bypassing('// "Đã ký" in a comment\nsay("Saving");') == ['"Đã ký"']  # _code() strips it
    assert bypassing(_COMMENT.sub("", '// "Đã ký" in a comment\nsay("Saving");')) == []


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_catalogue_answers_javascript_in_both_languages(language: str):
    response = Client().get(reverse("javascript-catalog", kwargs={"language": language}))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Content-Language"] == language
    body = response.content.decode()
    assert "django.gettext = function" in body
    assert "django.interpolate = function" in body
    # English has the translations; Vietnamese is the scripts' own language (the msgids).
    assert ('"Saving\\u2026"' in body) == (language == "en")
    assert ('"Connecting to HoSo Signer\\u2026"' in body) == (language == "en")
    assert ('"DECIMAL_SEPARATOR": ","' in body) == (language == "vi")


def test_the_catalogue_is_the_addressed_language_whatever_the_cookie():
    client = Client()
    client.cookies["django_language"] = "en"
    body = client.get(reverse("javascript-catalog", kwargs={"language": "vi"})).content.decode()
    assert "Saving" not in body


def test_an_unknown_language_has_no_catalogue():
    assert Client().get("/jsi18n/fr/").status_code == 404


def test_the_catalogue_is_cached_by_version():
    url = javascript_catalogue_url()
    first = Client().get(url)
    again = Client().get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert url.endswith(f"?v={javascript_catalogue_version()}")
    assert "max-age=" in first["Cache-Control"]
    assert again.status_code == 304


@pytest.mark.django_db  # the sign-in page asks which single sign-on providers are enabled
@pytest.mark.own_world
def test_the_page_loads_the_catalogue_of_its_language_before_the_other_scripts():
    with translation.override("en"):
        url = javascript_catalogue_url()
    assert url.startswith("/jsi18n/en/")
    html = Client().get(reverse("account_login")).content.decode()
    scripts = re.findall(r"<script src=\"([^\"]+)\"([^>]*)>", html)
    assert scripts[0][0].startswith("/jsi18n/vi/?v=")
    # All deferred: they run in the order of the page, the catalogue first.
    assert all("defer" in attributes for _, attributes in scripts), scripts


def test_every_script_of_the_templates_is_deferred():
    # A script without defer would run before the deferred catalogue and find no gettext().
    for template in (ROOT / "hoso").rglob("templates/**/*.html"):
        for tag in re.findall(r"<script\b[^>]*\bsrc=[^>]*>", template.read_text("utf-8")):
            assert " defer" in tag, f"{template.relative_to(ROOT)}: {tag}"
