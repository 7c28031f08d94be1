"""Load the national record-type catalogue; make issued versions immutable in the database."""
# ruff: noqa: E501

from __future__ import annotations

from typing import Any

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER records_version_content_fixed BEFORE UPDATE ON records_recordversion
    WHEN NEW.original_sha256 != OLD.original_sha256 OR NEW.record_id != OLD.record_id
      OR NEW.number != OLD.number OR NEW.size != OLD.size
    BEGIN SELECT RAISE(ABORT, 'records: a version''s original file never changes'); END""",
    """CREATE TRIGGER records_version_issued_fixed BEFORE UPDATE ON records_recordversion
    WHEN OLD.issued_at IS NOT NULL AND (NEW.issued_at IS NOT OLD.issued_at
      OR NEW.signed_sha256 != OLD.signed_sha256 OR NEW.filename != OLD.filename
      OR NEW.kind != OLD.kind OR NEW.uploaded_by_id != OLD.uploaded_by_id)
    BEGIN SELECT RAISE(ABORT, 'records: an issued version never changes'); END""",
    # No DELETE trigger on SQLite: Django's flush (tests, `flush`) empties tables with DELETE,
    # and SQLite has no TRUNCATE. Deletion is refused there by the PROTECT foreign keys and
    # by the services, which never delete a version. PostgreSQL flushes with TRUNCATE, which
    # row triggers do not see, so it gets the full guard.
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS records_version_content_fixed",
    "DROP TRIGGER IF EXISTS records_version_issued_fixed",
]
POSTGRES = [
    """CREATE OR REPLACE FUNCTION records_version_guard() RETURNS trigger AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        IF OLD.issued_at IS NOT NULL THEN
          RAISE EXCEPTION 'records: an issued version is never deleted';
        END IF;
        RETURN OLD;
      END IF;
      IF NEW.original_sha256 <> OLD.original_sha256 OR NEW.record_id <> OLD.record_id
         OR NEW.number <> OLD.number OR NEW.size <> OLD.size THEN
        RAISE EXCEPTION 'records: a version''s original file never changes';
      END IF;
      IF OLD.issued_at IS NOT NULL AND (NEW.issued_at IS DISTINCT FROM OLD.issued_at
         OR NEW.signed_sha256 <> OLD.signed_sha256 OR NEW.filename <> OLD.filename
         OR NEW.kind <> OLD.kind OR NEW.uploaded_by_id <> OLD.uploaded_by_id) THEN
        RAISE EXCEPTION 'records: an issued version never changes';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER records_version_guard BEFORE UPDATE OR DELETE ON records_recordversion
    FOR EACH ROW EXECUTE FUNCTION records_version_guard()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS records_version_guard ON records_recordversion",
    "DROP FUNCTION IF EXISTS records_version_guard()",
]


def _run(statements: dict[str, list[str]]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


def load(apps: Any, schema_editor: Any) -> None:
    from hoso.records.catalogue import load_catalogue

    load_catalogue(apps.get_model("records", "RecordType"))


class Migration(migrations.Migration):
    dependencies = [("records", "0001_initial")]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        ),
    ]
