import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from hoso.audit.models import AuditEntry, AuditHead
from hoso.audit.services import audit_log, mask_secrets
from hoso.audit.verify import verify_chain

# The chain alone: no demo province needed (tests/factories.py).
pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


def _append(n: int) -> list[AuditEntry]:
    return [audit_log("tests.event", actor_name="tester", data={"n": i}) for i in range(n)]


def _raw(sql: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_each_entry_carries_the_hash_of_the_previous_one():
    first, second = _append(2)
    assert second.prev_hash == first.hash
    assert second.seq == first.seq + 1
    assert verify_chain()[1] is None


def test_a_valid_chain_and_the_command_says_so(capsys):
    _append(3)
    call_command("audit_verify")
    assert "Nhật ký toàn vẹn" in capsys.readouterr().out


def test_an_edited_entry_is_named():
    entries = _append(3)
    _raw("UPDATE audit_auditentry SET data = %s WHERE seq = %s", ['{"n":99}', entries[1].seq])
    checked, problem = verify_chain()
    assert problem is not None and problem.seq == entries[1].seq
    assert "sửa" in problem.reason
    with pytest.raises(CommandError, match=f"mục #{entries[1].seq}"):
        call_command("audit_verify")


def test_a_deleted_entry_is_named():
    entries = _append(3)
    _raw("DELETE FROM audit_auditentry WHERE seq = %s", [entries[1].seq])
    _, problem = verify_chain()
    assert problem is not None and problem.seq == entries[1].seq


def test_deleting_the_last_entries_is_detected():
    entries = _append(2)
    _raw("DELETE FROM audit_auditentry WHERE seq = %s", [entries[-1].seq])
    _, problem = verify_chain()
    assert problem is not None and "cuối" in problem.reason


def test_reordered_entries_are_detected():
    a, b = _append(2)
    _raw("UPDATE audit_auditentry SET seq = %s WHERE seq = %s", [10**9, a.seq])
    _raw("UPDATE audit_auditentry SET seq = %s WHERE seq = %s", [a.seq, b.seq])
    _raw("UPDATE audit_auditentry SET seq = %s WHERE seq = %s", [b.seq, 10**9])
    _, problem = verify_chain()
    assert problem is not None and problem.seq == a.seq


def test_entries_cannot_be_changed_or_deleted_through_the_orm():
    (entry,) = _append(1)
    entry.action = "tests.other"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


def test_secrets_are_masked_in_payloads():
    assert mask_secrets({"passphrase": "x", "inner": [{"pin": "1234", "ok": 1}]}) == {
        "passphrase": "***",
        "inner": [{"pin": "***", "ok": 1}],
    }
    entry = audit_log("tests.secret", data={"password": "hunter2", "user": "a"})
    assert entry.payload == {"password": "***", "user": "a"}


def test_an_audit_entry_rolls_back_with_the_change_it_records():
    from django.db import transaction

    before = AuditEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_log("tests.rolled_back")
        raise RuntimeError
    assert AuditEntry.objects.count() == before
    assert verify_chain()[1] is None


def test_verifying_while_writers_append_is_not_a_false_alarm(monkeypatch):
    """Issue 13 item 7: background tasks append while `hoso audit verify` streams the log (here
    between every chunk and after the last one); the check is of the chain up to the head it
    read first, so it passes."""
    from hoso.audit import verify as verify_module

    real_entries = verify_module._entries
    appended = []

    def entries_while_writing(last_seq, batch_size):
        for n, entry in enumerate(real_entries(last_seq, batch_size)):
            if n % 50 == 0:
                appended.append(audit_log("test.concurrent.append", data={"n": n}))
            yield entry
        appended.extend(audit_log("test.concurrent.append", data={"end": i}) for i in range(3))

    _append(120)  # a log long enough for several chunks and appends in between
    monkeypatch.setattr(verify_module, "_entries", entries_while_writing)
    head_before = AuditHead.objects.get(pk=1).last_seq

    checked, problem = verify_chain(batch_size=7)

    assert problem is None
    assert checked == head_before
    assert len(appended) >= 4 and AuditHead.objects.get(pk=1).last_seq > head_before
    monkeypatch.undo()
    assert verify_chain() == (head_before + len(appended), None)
