"""The audit log names actions in Vietnamese ("Đăng nhập thành công"), never as bare codes.

Needs the demo province: every action the demo's load writes, of every app, must have words."""

from __future__ import annotations

import re
from typing import Any

import pytest

from hoso.audit.labels import ACTION_LABELS, action_label
from hoso.audit.models import AuditEntry
from hoso.audit.services import audit_log


def test_known_codes_read_as_vietnamese_words() -> None:
    assert action_label("accounts.login.ok") == "Đăng nhập thành công"
    assert action_label("records.version.signed") == "Ký số hồ sơ"
    assert action_label("grading.hocba.signed.ht") == "Hiệu trưởng ký học bạ"


def test_an_unknown_code_keeps_its_apps_name_and_shows_itself() -> None:
    assert action_label("records.something.new") == "Hồ sơ: records.something.new"
    assert action_label("mystery") == "mystery"


@pytest.mark.django_db
def test_every_action_of_the_demo_province_has_words() -> None:
    actions = set(AuditEntry.objects.values_list("action", flat=True).distinct())
    assert actions, "the demo province writes audit entries"
    assert sorted(actions - set(ACTION_LABELS)) == []


@pytest.mark.django_db
def test_the_log_page_shows_words_and_vietnamese_times(demo_user: Any, client_for: Any) -> None:
    audit_log("accounts.login.ok", actor=demo_user("th1.giaovien1"), ip="10.0.0.1")
    html = client_for("admin").get("/nhat-ky/?action=accounts.login.ok").content.decode()
    rows = re.findall(r'<tr><td data-label="#">\d+</td>.*?</tr>', html)
    assert rows
    assert all('data-action="accounts.login.ok">Đăng nhập thành công</td>' in row for row in rows)
    assert not re.search(r">\s*accounts\.login\.ok\s*<", html)  # the code is never the text
    assert 'title="accounts.login.ok"' not in html  # nor a tooltip
    time_cell = r'<td data-label="Thời điểm">\d\d:\d\d:\d\d, \d\d/\d\d/\d{4}</td>'
    assert all(re.search(time_cell, row) for row in rows)
    assert '<option value="accounts.login.ok" selected>Đăng nhập thành công</option>' in html
