"""API /api/v1/families/: a parent's children and consent (give, withdraw), the consent text,
the directives meant for parents; for the school: parents from the particulars, e-mail
invitations, printed codes, paper consents and the consent list of a class. Same services and
policy as the pages."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.http import Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hoso.core.api import id_field
from hoso.core.http import client_ip
from hoso.families import consent_text, selectors
from hoso.families.models import Consent
from hoso.families.services.consent import consent_give, consent_withdraw
from hoso.families.services.contacts import contacts_from_particulars
from hoso.families.services.invitations import code_sheet_issue, invitation_email_send
from hoso.grading.guardians import consented_student_ids
from hoso.org.models import Student, Unit
from hoso.policy import get_or_404


def _consent_out(consent: Consent | None) -> dict[str, Any] | None:
    if consent is None:
        return None
    return {
        "id": consent.pk,
        "text_version": consent.text_version,
        "channel": consent.channel,
        "given_at": consent.given_at,
        "withdrawn_at": consent.withdrawn_at,
        "withdrawn_channel": consent.withdrawn_channel,
        "standing": selectors.is_standing(consent),
    }


class ConsentText(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        return Response(
            {
                "version": consent_text.CURRENT_VERSION,
                "paragraphs": list(consent_text.paragraphs()),
            }
        )


class Children(APIView):
    """The signed-in parent's children and where each consent stands."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        allowed = consented_student_ids(request.user)
        return Response(
            [
                {
                    "id": child.pk,
                    "full_name": child.full_name,
                    "school": child.school.name,
                    "data_shown": child.pk in allowed,
                    "consent": _consent_out(selectors.consent_of(request.user, child)),
                }
                for child in selectors.children_for_consent(request.user)
            ]
        )


class Directives(APIView):
    """The directives meant for parents that the signed-in parent may read, newest first;
    `file` is the address of the signed PDF (the same policy-checked download as the page)."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        return Response(
            [
                {
                    "id": directive.pk,
                    "title": directive.title,
                    "number": directive.number,
                    "summary": directive.summary,
                    "office": directive.office.name,
                    "issued_at": directive.issued_at,
                    "file": reverse("families:directive-file", args=[directive.pk]),
                }
                for directive in selectors.parent_directives(request.user)[:200]
            ]
        )


def _child(request: Request, pk: int) -> Student:
    return get_or_404(request.user, "families.child.consent", Student.objects.all(), pk=pk)


class ChildConsent(APIView):
    @extend_schema(request=None, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, pk: int) -> Response:
        consent = consent_give(
            actor=request.user, student=_child(request, pk), ip=client_ip(request)
        )
        return Response(_consent_out(consent), status=201)


class ChildWithdraw(APIView):
    @extend_schema(request=None, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, pk: int) -> Response:
        consent = consent_withdraw(
            actor=request.user, student=_child(request, pk), ip=client_ip(request)
        )
        return Response(_consent_out(consent))


def _class(request: Request, pk: int, action: str = "families.class.manage") -> Unit:
    return get_or_404(request.user, action, Unit.objects.all(), pk=pk)


class ClassConsents(APIView):
    """Each pupil of the class, each linked parent account, where its consent stands."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, pk: int) -> Response:
        school_class = _class(request, pk, "families.consent.list")
        return Response(
            [
                {
                    "student": row.student.pk,
                    "student_name": row.student.full_name,
                    "parent": row.guardian.user_id if row.guardian else None,
                    "parent_name": row.guardian.user.get_full_name() if row.guardian else "",
                    "state": row.state,
                    "consent": _consent_out(row.consent),
                }
                for row in selectors.consent_rows(school_class)
            ]
        )


class ClassContacts(APIView):
    """POST: one entry per parent named in the pupils' particulars (those not there yet)."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, pk: int) -> Response:
        rows = selectors.class_contacts(_class(request, pk))
        return Response(
            [
                {
                    "id": c.pk,
                    "student": c.student_id,
                    "relation": c.relation,
                    "full_name": c.full_name,
                    "phone": c.phone,
                    "email": c.email,
                    "has_account": c.user_id is not None,
                }
                for c in rows
            ]
        )

    @extend_schema(request=None, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, pk: int) -> Response:
        made = contacts_from_particulars(
            actor=request.user, school_class=_class(request, pk), ip=client_ip(request)
        )
        return Response({"created": made}, status=201)


class InviteIn(serializers.Serializer[Any]):
    contact = id_field()


class EmailInvite(APIView):
    @extend_schema(request=InviteIn, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, pk: int) -> Response:
        school_class = _class(request, pk)
        data = InviteIn(data=request.data)
        data.is_valid(raise_exception=True)
        contact = selectors.class_contacts(school_class).filter(pk=data.validated_data["contact"])
        found = contact.first()
        if found is None:
            raise Http404
        invitation = invitation_email_send(actor=request.user, contact=found, ip=client_ip(request))
        return Response(
            {
                "id": invitation.pk,
                "sent_to": invitation.sent_to,
                "expires_at": invitation.expires_at,
            },
            status=201,
        )


class CodeSheet(APIView):
    """New printed codes for every pupil of the class (earlier unused ones stop working)."""

    @extend_schema(request=None, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, pk: int) -> Response:
        lines = code_sheet_issue(
            actor=request.user, school_class=_class(request, pk), ip=client_ip(request)
        )
        return Response(
            [
                {"student": ln.student.pk, "full_name": ln.student.full_name, "code": ln.code}
                for ln in lines
            ],
            status=201,
        )


class PaperIn(serializers.Serializer[Any]):
    parent = id_field()
    student = id_field()
    action = serializers.ChoiceField(choices=["give", "withdraw"])


class PaperConsent(APIView):
    """A consent (or its withdrawal) signed on paper, entered by the school."""

    @extend_schema(request=PaperIn, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, pk: int) -> Response:
        school_class = _class(request, pk)
        data = PaperIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        student = selectors.class_students(school_class).filter(pk=values["student"]).first()
        parent = get_user_model().objects.filter(pk=values["parent"]).first()
        if student is None or parent is None:
            raise Http404
        service = consent_give if values["action"] == "give" else consent_withdraw
        consent = service(actor=request.user, student=student, parent=parent, ip=client_ip(request))
        return Response(_consent_out(consent), status=201 if values["action"] == "give" else 200)
