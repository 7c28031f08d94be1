"""API shapes of record types, records, versions, due items and completion rows."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from hoso.core.api import MAX_ID
from hoso.records import selectors
from hoso.records.models import DueItem, Record, RecordType, RecordVersion


class RecordTypeOut(serializers.ModelSerializer[RecordType]):
    owner_unit = serializers.IntegerField(source="owner_unit_id", allow_null=True)

    class Meta:
        model = RecordType
        fields = [
            "id",
            "code",
            "name",
            "levels",
            "keeper",
            "period",
            "due_rule",
            "signing_chain",
            "retention_years",
            "naming_rule",
            "formats",
            "legal_source",
            "optional",
            "owner_unit",
        ]


class VersionOut(serializers.ModelSerializer[RecordVersion]):
    file_url = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = RecordVersion
        fields = [
            "number",
            "filename",
            "kind",
            "size",
            "original_sha256",
            "page_count",
            "uploaded_by",
            "uploaded_at",
            "rendition_status",
            "rendition_message",
            "issued_at",
            "file_url",
            "pdf_url",
        ]

    def _url(self, version: RecordVersion, name: str) -> str:
        return reverse(name, args=[version.record_id, version.number])

    def get_file_url(self, version: RecordVersion) -> str:
        return self._url(version, "api-record-version-file")

    def get_pdf_url(self, version: RecordVersion) -> str | None:
        return self._url(version, "api-record-version-pdf") if version.viewing_sha256 else None


class RecordOut(serializers.ModelSerializer[Record]):
    record_type = serializers.CharField(source="record_type.code")
    record_type_name = serializers.CharField(source="record_type.name")
    school_year = serializers.CharField(source="school_year.name")
    owner_name = serializers.CharField(source="owner.first_name")

    class Meta:
        model = Record
        fields = [
            "id",
            "title",
            "record_type",
            "record_type_name",
            "unit",
            "school",
            "school_year",
            "owner",
            "owner_name",
            "period_key",
            "state",
            "version_count",
            "first_submitted_at",
            "created_at",
            "updated_at",
        ]


class RecordDetailOut(RecordOut):
    versions = serializers.SerializerMethodField()
    pending = serializers.SerializerMethodField()

    class Meta(RecordOut.Meta):
        fields = [*RecordOut.Meta.fields, "versions", "pending"]

    def get_versions(self, record: Record) -> list[dict[str, Any]]:
        versions = record.versions.order_by("-number")
        return list(VersionOut(versions, many=True).data)

    def get_pending(self, record: Record) -> dict[str, Any] | None:
        """The stage waiting: its first step's role and action, who in words, and every open
        step (two when steps run together)."""
        flow = record.workflows.filter(is_open=True).first()
        if flow is None:
            return None
        flow.record = record
        steps = [
            {"role": s["role"], "action": s["action"], "user": s.get("user")}
            for s in flow.open_steps
        ]
        return {
            "role": flow.pending_role,
            "action": flow.pending_action,
            "who": flow.pending_who,
            "steps": steps,
            "missing": selectors.pending_missing(flow),
        }


class RecordCreateIn(serializers.Serializer[Any]):
    file = serializers.FileField()
    record_type = serializers.CharField(max_length=40)
    title = serializers.CharField(max_length=255, required=False, allow_blank=True)
    period = serializers.CharField(max_length=20, required=False, allow_blank=True)
    unit = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_ID,
        help_text="Lớp (id đơn vị) của sổ chủ nhiệm: bắt buộc khi người lập chủ nhiệm nhiều "
        "lớp; bỏ qua với các loại hồ sơ khác.",
    )


class VersionCreateIn(serializers.Serializer[Any]):
    file = serializers.FileField()


class CommentIn(serializers.Serializer[Any]):
    comment = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class SignAndSubmitIn(serializers.Serializer[Any]):
    """ "Ký và trình" with a server-side key: the PKCS#12 passphrase or the PKCS#11 PIN."""

    passphrase = serializers.CharField(max_length=200, required=False, allow_blank=True)
    pin = serializers.CharField(max_length=64, required=False, allow_blank=True)
    certificate = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)


class DueItemOut(serializers.ModelSerializer[DueItem]):
    record_type = serializers.CharField(source="record_type.code")
    status = serializers.CharField()

    class Meta:
        model = DueItem
        fields = [
            "id",
            "record_type",
            "school",
            "unit",
            "owner",
            "period_key",
            "period_label",
            "due_at",
            "effective_due_at",
            "extension_reason",
            "submitted_at",
            "record",
            "status",
        ]


class DueItemExtendIn(serializers.Serializer[Any]):
    due_at = serializers.CharField(
        max_length=40, help_text="hạn mới: dd/mm/yyyy, yyyy-mm-dd (17:00) hoặc ISO 8601"
    )
    reason = serializers.CharField(max_length=500, help_text="lý do gia hạn (bắt buộc)")


class CompletionRowOut(serializers.Serializer[Any]):
    label = serializers.CharField()
    unit_id = serializers.IntegerField(allow_null=True)
    owner_id = serializers.IntegerField(allow_null=True)
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    missing = serializers.IntegerField()
    due = serializers.IntegerField()
    not_yet_due = serializers.IntegerField()
    total = serializers.IntegerField()
    submitted = serializers.IntegerField()
    pct_submitted = serializers.FloatField(allow_null=True)
    pct_on_time = serializers.FloatField(allow_null=True)


class CompletionOut(serializers.Serializer[Any]):
    unit = serializers.IntegerField()
    unit_name = serializers.CharField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    rows = CompletionRowOut(many=True)
    total = CompletionRowOut()
