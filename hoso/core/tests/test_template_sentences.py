"""A sentence of a template is one msgid: `{% blocktranslate with x=… %}… {{ x }} …
{% endblocktranslate %}`, with its markup inside where it sits mid-sentence. Pieces of one
sentence translated one by one around a value or a tag ("Hồ sơ đang chờ" <strong>"chính bạn
ký"</strong> "để trình") cannot be put into another language's word order."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
TEMPLATES = sorted((ROOT / "hoso").rglob("templates/**/*.html"))


def _tag(name: str) -> str:
    return r"\{%\s*translate\s+(?:\"(?P<" + name + r">[^\"]*)\"|'(?P<" + name + r"_>[^']*)')\s*%\}"


# What may sit inside a sentence: spaces, values, inline markup, links, a condition around
# a piece. Not `{% else %}`: the pieces on either side of it are alternatives.
_INSIDE = (
    r"(?:\s|\{\{[^{}]*\}\}|</?(?:strong|b|em|i|code|kbd|a|span|small)\b[^>]*>"
    r"|\{%\s*(?:url|if|endif)\b[^%]*%\})*"
)
_BLOCK = r"\{%\s*blocktranslate\b[^%]*%\}(?P<block>.)"  # and the first letter of its text
_PAIR = re.compile(_tag("first") + _INSIDE + r"(?:" + _tag("second") + r"|" + _BLOCK + r")")
_ENDS = re.compile(r"[.:?!…»)]\s*$")  # a piece that ends a sentence, a label or a quotation
# A msgid that begins with the punctuation of the sentence before it.
_TAIL = re.compile(r"\{%\s*(?:translate\s+[\"']|blocktranslate\b[^%]*%\})\s*[;,.](?!\.)")


def _goes_on(piece: str) -> bool:
    """A piece that can only continue a sentence: it begins in lower case or with punctuation."""
    return piece[:1].islower() or piece[:1] in (";", ",", ".", ":", ")", "·")


def split_sentences(text: str) -> list[str]:
    found = []
    for pair in _PAIR.finditer(text):
        first = pair["first"] if pair["first"] is not None else pair["first_"]
        second = next(p for p in (pair["second"], pair["second_"], pair["block"]) if p is not None)
        if not _ENDS.search(first) and _goes_on(second):
            found.append(pair[0])
    found += [tail[0] for tail in _TAIL.finditer(text)]
    return found


def test_no_template_splits_a_sentence_into_several_msgids():
    problems = [
        f"{path.relative_to(ROOT)}: {piece[:120]}"
        for path in TEMPLATES
        for piece in split_sentences(path.read_text("utf-8"))
    ]
    assert problems == [], "Make each sentence one {% blocktranslate %}:\n" + "\n".join(problems)


def test_the_check_recognises_a_split_sentence():
    assert split_sentences(
        '{% translate "Hồ sơ đang chờ" %} <strong>{% translate "chính bạn ký" %}</strong>'
    )
    # A label and its value are not one sentence.
    assert split_sentences('{% translate "Trạng thái:" %} <strong>{{ s }}</strong>') == []
    assert split_sentences('{{ n }}{% translate "; tin cậy:" %}')
    assert split_sentences(
        '<strong>{% translate "Bị trả lại" %}</strong> {% blocktranslate %}bởi {{ x }}'
    )
    # A heading and its subtitle are not one sentence.
    assert split_sentences('{% translate "Sổ sách" %} <small>{% blocktranslate %}— {{ x }}') == []
    assert split_sentences(
        "{% blocktranslate with d=d %}, trình ngày {{ d }}{% endblocktranslate %}"
    )
    assert (
        split_sentences(
            '{% if seal %}{% translate "Đóng dấu" %}{% else %}{% translate "ký" %}{% endif %}'
        )
        == []
    )
    assert split_sentences('<th>{% translate "Mã" %}</th><th>{% translate "Tên" %}</th>') == []
    assert split_sentences('{% translate "Đang tải..." %}') == []
