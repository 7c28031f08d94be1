"""The demo province's load leaves the audit chain whole.

Needs the demo province: it checks the chain the demo's load wrote."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_demo_load_left_a_valid_chain_and_the_command_says_so(capsys):
    call_command("audit_verify")
    assert "Nhật ký toàn vẹn" in capsys.readouterr().out
