"""The import of a school's old folders: upload (the zip checked from its directory, then kept
in the blob store), scan (the tree, each file's hash and a proposal), corrections, confirmation
and the background run that makes records through hoso.records' own service.

Decision (docs/drive-import.md): an import is resumable, never partial per file. A zip that
fails a check is refused whole before anything is kept. Once confirmed, each file is imported
in one transaction that makes its record and marks its item imported, so every file is either
imported once or not at all; a run interrupted goes on with the pending ones; a file HoSo's file
gate refuses is marked with the reason and the others go on."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import tempfile
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from hoso.audit.services import audit_log
from hoso.conversion import Kind, UnsafeFileError
from hoso.core.errors import Conflict, DomainError, NotAllowed
from hoso.core.retry import any_database_error, retry_transaction
from hoso.core.scheduling import later
from hoso.drive_import import archive
from hoso.drive_import.models import BatchStatus, ImportBatch, ImportItem, ItemState
from hoso.drive_import.policies import MANAGE
from hoso.drive_import.proposals import TypeInfo, propose
from hoso.drive_import.services.rules import rules_for_proposals, school_types
from hoso.org.models import SchoolYear, Staff, Unit, UnitKind
from hoso.policy import can
from hoso.records.models import Keeper, RecordType, RecordVersion
from hoso.records.periods import period_groups, slots_for
from hoso.records.services.imports import CheckedFile, import_file_check, record_import
from hoso.search.folding import fold
from hoso.storage import BlobTooLarge, blob_store

ACCEPTED = frozenset().union(*(kind.extensions for kind in Kind))
CHUNK = 1024 * 1024


def max_zip_bytes() -> int:
    return int(getattr(settings, "DRIVE_IMPORT_MAX_ZIP_BYTES", 4 * 1024**3))


# --- upload -------------------------------------------------------------------------------------


@contextlib.contextmanager
def _spooled(stream: IO[bytes], limit: int) -> Iterator[Path]:
    """The upload as a local file: Django's own temporary file when the web server spooled it
    there already (no second copy of a gigabyte), else a copy made here."""
    spooled = getattr(stream, "temporary_file_path", None)
    if callable(spooled):
        path = Path(spooled())
        if path.stat().st_size > limit:
            raise DomainError(
                _("Tệp nén lớn hơn %(max)s GB. Hãy chia thư mục thành nhiều phần.")
                % {"max": archive._gb(limit)}
            )
        yield path
        return
    fd, name = tempfile.mkstemp(prefix="hoso-drive-", suffix=".zip")
    try:
        with os.fdopen(fd, "wb") as out:
            written = 0
            while chunk := stream.read(CHUNK):
                written += len(chunk)
                if written > limit:
                    raise DomainError(
                        _("Tệp nén lớn hơn %(max)s GB. Hãy chia thư mục thành nhiều phần.")
                        % {"max": archive._gb(limit)}
                    )
                out.write(chunk)
        yield Path(name)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name)


def batch_upload(
    *, actor: Any, school: Unit, stream: IO[bytes], filename: str, ip: str = ""
) -> ImportBatch:
    """Check the zip from its directory, keep it, and read its tree in the background. A zip
    refused leaves nothing behind (no batch, no stored file)."""
    if not can(actor, MANAGE, school):
        raise NotAllowed(_("Chỉ hiệu trưởng hoặc văn thư của trường được nhập thư mục."))
    with _spooled(stream, max_zip_bytes()) as path:
        with archive.open_zip(path) as opened:
            entries = archive.checked_entries(opened)
            source = archive.source_of([e.path for e in entries])
        with open(path, "rb") as kept:
            try:
                blob = blob_store().put(kept, max_bytes=max_zip_bytes())
            except BlobTooLarge as exc:
                raise DomainError(_("Tệp nén quá lớn.")) from exc
    return _batch_create(actor, school, filename, blob, source, len(entries), ip)


@transaction.atomic
def _batch_create(
    actor: Any, school: Unit, filename: str, blob: Any, source: str, files: int, ip: str
) -> ImportBatch:
    batch = ImportBatch.objects.create(
        school=school,
        created_by=actor,
        created_at=timezone.now(),
        filename=(filename or "drive.zip")[:255],
        zip_sha256=blob.sha256,
        zip_size=blob.size,
        source=source,
        status=BatchStatus.SCANNING,
        total=files,
    )
    audit_log(
        "drive_import.batch.uploaded",
        actor=actor,
        obj=batch,
        unit_id=school.pk,
        ip=ip,
        data={"sha256": blob.sha256, "size": blob.size, "files": files, "source": source},
    )
    from hoso.drive_import.tasks import scan_batch

    later(scan_batch, batch.pk)
    return batch


# --- scan and proposals -------------------------------------------------------------------------


def batch_scan(*, batch_id: int) -> None:
    """Read the tree and hash every file (streamed), note duplicates and files HoSo already
    keeps, propose. Idempotent: a batch no longer scanning is left alone."""
    batch = ImportBatch.objects.select_related("school").get(pk=batch_id)
    if batch.status != BatchStatus.SCANNING:
        return
    try:
        with archive.open_zip(blob_store().path_for(batch.zip_sha256)) as opened:
            entries = archive.checked_entries(opened)
            hashes = [archive.entry_sha256(opened, e.path) for e in entries]
    except archive.ZipRefused as refusal:
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=BatchStatus.REFUSED, message=refusal.message[:500]
        )
        return
    _store_items(batch, entries, hashes)


@transaction.atomic
def _store_items(batch: ImportBatch, entries: list[archive.Entry], hashes: list[str]) -> None:
    kept = set(
        RecordVersion.objects.filter(
            record__school_id=batch.school_id, original_sha256__in=set(hashes)
        ).values_list("original_sha256", flat=True)
    )
    first_of: dict[str, str] = {}
    items = []
    for entry, sha in zip(entries, hashes, strict=True):
        note = _note(entry, sha, first_of, kept)
        first_of.setdefault(sha, entry.shown_path)
        items.append(
            ImportItem(
                batch=batch,
                path=entry.path,
                shown_path=entry.shown_path[:1000],
                size=entry.size,
                sha256=sha,
                include=not note,
                note=note[:300],
                title=entry.shown_path[:255],
            )
        )
    ImportItem.objects.bulk_create(items, batch_size=500)
    _apply_proposals(batch, list(batch.items.all()))
    batch.status = BatchStatus.READY
    batch.total = sum(1 for i in items if i.include)
    batch.save(update_fields=["status", "total", "updated_at"])


def _note(entry: archive.Entry, sha: str, first_of: dict[str, str], kept: set[str]) -> str:
    if os.path.splitext(entry.path)[1].lower() not in ACCEPTED:
        return _("HoSo không lưu loại tệp này (chỉ PDF, Word, Excel, PowerPoint, ODF, ảnh).")
    if sha in first_of:
        return _("Trùng nội dung với “%(path)s”.") % {"path": first_of[sha][:200]}
    if sha in kept:
        return _("Tệp này đã có trong hồ sơ của trường.")
    if entry.size == 0:
        return _("Tệp rỗng.")
    return ""


def _context(school: Unit) -> tuple[Any, dict[int, TypeInfo], list[tuple[str, int]]]:
    rules = rules_for_proposals(school)
    types = {t.pk: TypeInfo(t.pk, t.period, t.keeper) for t in school_types(school)}
    staff = [
        (fold(name), int(user_id))
        for name, user_id in Staff.objects.filter(
            unit__school=school, user__isnull=False
        ).values_list("full_name", "user_id")
    ]
    return rules, types, staff


def _apply_proposals(batch: ImportBatch, items: list[ImportItem]) -> None:
    rules, types, staff = _context(batch.school)
    years = dict(SchoolYear.objects.values_list("name", "pk"))
    for item in items:
        found = propose(item.shown_path, rules, types, staff, default_owner=batch.created_by_id)
        item.record_type_id = found.record_type_id
        item.owner_id = found.owner_id
        item.year_name = found.year_name
        item.school_year_id = years.get(found.year_name)
        item.period_key = found.period_key
        item.title = found.title
    ImportItem.objects.bulk_update(
        items,
        ["record_type", "owner", "year_name", "school_year", "period_key", "title"],
        batch_size=500,
    )


def _editable(actor: Any, batch: ImportBatch) -> None:
    if not can(actor, MANAGE, batch):
        raise NotAllowed(_("Chỉ hiệu trưởng hoặc văn thư của trường được sửa lô nhập này."))
    if batch.status != BatchStatus.READY:
        raise Conflict(_("Lô nhập này không còn ở bước kiểm tra, không sửa được nữa."))


@transaction.atomic
def batch_reapply_rules(*, actor: Any, batch: ImportBatch, ip: str = "") -> int:
    """Propose again by the school's current rules, for the files nobody corrected by hand."""
    batch = ImportBatch.objects.select_for_update().select_related("school").get(pk=batch.pk)
    _editable(actor, batch)
    items = list(batch.items.filter(corrected=False))
    _apply_proposals(batch, items)
    return len(items)


# --- corrections --------------------------------------------------------------------------------

FIELDS = ("record_type", "owner", "school_year", "period_key", "include")


@transaction.atomic
def items_correct(
    *,
    actor: Any,
    batch: ImportBatch,
    changes: dict[str, Any],
    item_ids: list[int] | None = None,
    folder: str = "",
    ip: str = "",
) -> int:
    """Set what the person chose for some files: those of `item_ids`, or every file below
    `folder` ("a/b/"). `changes` may hold record_type, owner, school_year (ids), period_key,
    include. Returns how many files changed."""
    batch = ImportBatch.objects.select_for_update().select_related("school").get(pk=batch.pk)
    _editable(actor, batch)
    values = _checked_changes(batch.school, {k: v for k, v in changes.items() if k in FIELDS})
    if not values:
        raise DomainError(_("Hãy chọn điều cần sửa."))
    items = batch.items.all()
    if item_ids is not None:
        items = items.filter(pk__in=item_ids)
    elif folder:
        items = items.filter(shown_path__startswith=folder)
    else:
        raise DomainError(_("Hãy chọn tệp hoặc thư mục cần sửa."))
    if "school_year" in values:
        values["year_name"] = values["school_year"].name if values["school_year"] else ""
    if values.get("include"):
        items = items.filter(note="")  # a duplicate stays out
    if "period_key" in values:
        _check_period(items, values)
    count = items.update(**values, corrected=True)
    batch.total = batch.items.filter(include=True).count()
    batch.save(update_fields=["total", "updated_at"])
    audit_log(
        "drive_import.items.corrected",
        actor=actor,
        obj=batch,
        unit_id=batch.school_id,
        ip=ip,
        data={"files": count, "folder": folder[:200], "fields": sorted(values)},
    )
    return count


def _checked_changes(school: Unit, changes: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if changes.get("record_type") not in (None, ""):
        found = next(
            (t for t in school_types(school) if str(t.pk) == str(changes["record_type"])), None
        )
        if found is None:
            raise DomainError(_("Loại hồ sơ đã chọn không dùng ở trường này."))
        values["record_type"] = found
    if changes.get("owner") not in (None, ""):
        staff = Staff.objects.filter(unit__school=school, user_id=str(changes["owner"])).first()
        if staff is None:
            raise DomainError(_("Người lập phải là cán bộ, giáo viên của trường."))
        values["owner_id"] = staff.user_id
    if changes.get("school_year") not in (None, ""):
        year = SchoolYear.objects.filter(pk=str(changes["school_year"])).first()
        if year is None:
            raise DomainError(_("Không có năm học đã chọn."))
        values["school_year"] = year
    if changes.get("period_key") not in (None, ""):
        values["period_key"] = str(changes["period_key"]).strip().upper()[:20]
    if changes.get("include") is not None:
        values["include"] = bool(changes["include"])
    return values


PERIOD_KEY = re.compile(r"NAM|HK[12]|W\d{2}|\d{4}-(0[1-9]|1[0-2])")


def _check_period(items: QuerySet[ImportItem], values: dict[str, Any]) -> None:
    """The period chosen for files is one that their record type has in their school year:
    the type and year chosen with it, else each file's own (a file without a year yet is
    checked at confirmation)."""
    key = values["period_key"]
    if not PERIOD_KEY.fullmatch(key):
        raise DomainError(_("Kỳ đã chọn không hợp lệ: hãy chọn một kỳ trong danh sách."))
    kind = values.get("record_type")
    year = values.get("school_year")
    pairs = items.order_by().values_list("record_type_id", "school_year_id").distinct()
    for type_id, year_id in pairs:
        this_kind = kind or (RecordType.objects.get(pk=type_id) if type_id else None)
        this_year = year or (SchoolYear.objects.get(pk=year_id) if year_id else None)
        if this_year is None:
            continue
        groups = period_groups(this_year, this_kind.period if this_kind else "")
        if key in {slot.key for _label, slots in groups for slot in slots}:
            continue
        path = items.filter(record_type_id=type_id, school_year_id=year_id).first()
        names = {"path": path.shown_path if path else "", "year": this_year.name}
        if this_kind is None:
            raise DomainError(_("Tệp “%(path)s”: năm học %(year)s không có kỳ đã chọn.") % names)
        raise DomainError(
            _("Tệp “%(path)s”: loại hồ sơ “%(type)s” không có kỳ đã chọn trong năm học %(year)s.")
            % {**names, "type": this_kind.name}
        )


# --- confirm and run ----------------------------------------------------------------------------


def item_problem(item: ImportItem) -> str:
    """Why an included file cannot be imported as it stands ("" when it can)."""
    if item.record_type is None:
        return _("Chưa chọn loại hồ sơ.")
    if item.owner_id is None:
        return _("Chưa rõ người lập.")
    if item.school_year is None:
        if item.year_name:
            return _("Năm học %(year)s chưa có trong HoSo.") % {"year": item.year_name}
        return _("Chưa rõ năm học.")
    keys = {
        s.key
        for s in slots_for(item.record_type.period, item.record_type.due_rule, item.school_year)
    }
    if item.period_key not in keys and not (item.period_key == "" and len(keys) <= 1):
        if not item.period_key:
            return _("Chưa rõ kỳ (tuần, tháng, học kỳ).")
        return _("Kỳ “%(key)s” không có trong năm học %(year)s.") % {
            "key": item.period_key,
            "year": item.school_year.name,
        }
    return ""


@transaction.atomic
def batch_confirm(*, actor: Any, batch: ImportBatch, ip: str = "") -> ImportBatch:
    """Start the import of the included files, if every one of them is complete."""
    batch = ImportBatch.objects.select_for_update().select_related("school").get(pk=batch.pk)
    _editable(actor, batch)
    included = list(batch.items.filter(include=True).select_related("record_type", "school_year"))
    if not included:
        raise DomainError(_("Không có tệp nào được chọn để nhập."))
    problems = [(i, p) for i in included if (p := item_problem(i))]
    if problems:
        first = "; ".join(f"{i.shown_path}: {p}" for i, p in problems[:3])
        raise DomainError(
            _("Còn %(n)s tệp chưa đủ thông tin, ví dụ: %(first)s. Hãy sửa hoặc bỏ chọn chúng.")
            % {"n": len(problems), "first": first}
        )
    batch.status = BatchStatus.QUEUED
    batch.total, batch.done, batch.failed = len(included), 0, 0
    batch.save(update_fields=["status", "total", "done", "failed", "updated_at"])
    audit_log(
        "drive_import.batch.confirmed",
        actor=actor,
        obj=batch,
        unit_id=batch.school_id,
        ip=ip,
        data={"files": len(included)},
    )
    from hoso.drive_import.tasks import run_batch

    later(run_batch, batch.pk)
    return batch


# Files imported per transaction: each in a savepoint of its own, so a file the gate refuses
# fails alone; fewer commits (and fsyncs, and audit-head waits) than one per file, and short
# enough that other writers wait at most a few seconds.
GROUP = 10
CHECKERS = 4  # files checked and stored at once


def batch_run(*, batch_id: int) -> None:
    """Import the pending files (the background task). Idempotent and resumable."""
    batch = ImportBatch.objects.select_related("school", "created_by").get(pk=batch_id)
    if batch.status not in (BatchStatus.QUEUED, BatchStatus.RUNNING):
        return
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.RUNNING, updated_at=timezone.now()
    )
    # The ids first, the items group by group: a cursor left open across the groups' writes
    # would hold an old snapshot, and SQLite refuses at once a write from a connection whose
    # snapshot another writer (the worker's renditions) has moved past ("database is locked").
    pending = list(
        batch.items.filter(include=True, state=ItemState.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    units: dict[tuple[int, int | None], Unit] = {}
    with archive.open_zip(blob_store().path_for(batch.zip_sha256)) as opened:
        for start in range(0, len(pending), GROUP):
            ids = pending[start : start + GROUP]
            group = list(
                ImportItem.objects.filter(pk__in=ids)
                .select_related("record_type", "owner", "school_year")
                .order_by("pk")
            )
            _import_group(batch, opened, group, units)
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.DONE)


def drive_batches_stuck(minutes: float) -> list[int]:
    """Imports queued or running whose worker has said nothing for `minutes` (each group of
    files moves `updated_at`): a worker lost in a crash, or a run ended by an error. Running
    them again imports only the files still pending."""
    cutoff = timezone.now() - dt.timedelta(minutes=minutes)
    running = ImportBatch.objects.filter(
        status__in=[BatchStatus.QUEUED, BatchStatus.RUNNING], updated_at__lte=cutoff
    )
    return list(running.order_by("pk").values_list("pk", flat=True)[:1000])


def _import_group(
    batch: ImportBatch,
    opened: zipfile.ZipFile,
    group: list[ImportItem],
    units: dict[tuple[int, int | None], Unit],
) -> None:
    """Unpack the group's files, check and store them side by side (the file gate and the
    store's fsync wait on the disk, not on Python), then write their records one by one."""
    with tempfile.TemporaryDirectory(prefix="hoso-drive-") as folder:
        paths = []
        for index, item in enumerate(group):
            path = Path(folder) / str(index)
            with open(path, "wb") as out:
                archive.copy_entry(opened, item.path, out)
            paths.append(path)
        with ThreadPoolExecutor(max_workers=CHECKERS) as pool:
            checked = list(pool.map(_checked, group, paths))
    # One transaction for the group's records, tried again when another writer held the
    # database (SQLite's lock, a PostgreSQL deadlock): a failed try leaves nothing behind.
    retry_transaction(
        lambda: _write_group(batch, group, checked, units), retry_on=any_database_error
    )


@transaction.atomic
def _write_group(
    batch: ImportBatch,
    group: list[ImportItem],
    checked: list[CheckedFile | DomainError | UnsafeFileError],
    units: dict[tuple[int, int | None], Unit],
) -> None:
    done = failed = 0
    for item, file in zip(group, checked, strict=True):
        try:
            if isinstance(file, Exception):
                raise file
            with transaction.atomic():
                done += _import_item(batch, item, file, units)
        except (DomainError, UnsafeFileError) as error:
            failed += ImportItem.objects.filter(pk=item.pk, state=ItemState.PENDING).update(
                state=ItemState.FAILED, message=str(error.message)[:500]
            )
    ImportBatch.objects.filter(pk=batch.pk).update(
        done=F("done") + done, failed=F("failed") + failed, updated_at=timezone.now()
    )


def _checked(item: ImportItem, path: Path) -> CheckedFile | DomainError | UnsafeFileError:
    assert item.record_type is not None
    name = item.path.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    try:
        file = import_file_check(record_type=item.record_type, path=path, filename=name)
    except (DomainError, UnsafeFileError) as error:
        return error
    if file.blob.sha256 != item.sha256:
        # The zip changed under us since the scan: this file is not the one the person checked.
        return DomainError(_("Tệp trong tệp nén đã khác lúc đọc; không nhập."))
    return file


def _import_item(
    batch: ImportBatch,
    item: ImportItem,
    file: CheckedFile,
    units: dict[tuple[int, int | None], Unit],
) -> int:
    """1 when the file became a record now, 0 when another run had done it."""
    locked = ImportItem.objects.select_for_update().filter(pk=item.pk).first()
    if locked is None or locked.state != ItemState.PENDING:
        return 0
    assert item.record_type is not None and item.school_year is not None
    key = (item.record_type_id or 0, item.owner_id)
    if key not in units:
        units[key] = _unit_for(batch.school, item.record_type, item.owner_id)
    version = record_import(
        actor=batch.created_by,
        owner=item.owner,
        record_type=item.record_type,
        unit=units[key],
        school_year=item.school_year,
        period_key=item.period_key,
        title=item.title,
        file=file,
        source=item.shown_path,
    )
    locked.state, locked.version, locked.message = ItemState.IMPORTED, version, ""
    locked.save(update_fields=["state", "version", "message"])
    return 1


def _unit_for(school: Unit, record_type: RecordType, owner_id: int | None) -> Unit:
    """A teacher's or a group's record lives in the owner's group when they work in one;
    everything else in the school."""
    if owner_id is not None and record_type.keeper in (Keeper.TEACHER, Keeper.GROUP):
        staff = Staff.objects.filter(user_id=owner_id, unit__school=school).select_related("unit")
        unit = staff.first()
        if unit is not None and unit.unit.kind in (UnitKind.TO, UnitKind.KHOI):
            return unit.unit
    return school
