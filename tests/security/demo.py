"""Who and what the security tests ask about: the demo roles, and objects at four distances
from the reference teacher th1.giaovien1 (own / same school / other school / other district)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model

from hoso.org.models import Staff, Student, Unit, UnitKind

# One account per demo role (GV, TTCM, PHT, HT, VT, TV, CV_PHONG, CV_SO, QTHT) and anonymous.
ROLES: dict[str, str | None] = {
    "GV": "th1.giaovien1",
    "TTCM": "th1.totruong",
    "PHT": "th1.phohieutruong",
    "HT": "th1.hieutruong",
    "VT": "th1.vanthu",
    "TV": "th1.thuthu",
    "CV_PHONG": "phong1.chuyenvien",
    "CV_SO": "so.chuyenvien",
    "QTHT": "admin",
    "anonymous": None,
}
SCOPES = ("own", "same_school", "other_school", "other_district")
# The school of each scope, as seen from th1.giaovien1 (th1 and thcs1 are under phong1, th2
# under phong2).
SCHOOL_OF_SCOPE = {
    "own": "TH1",
    "same_school": "TH1",
    "other_school": "THCS1",
    "other_district": "TH2",
}
OWNER_OF_SCOPE = {
    "own": "th1.giaovien1",
    "same_school": "th1.giaovien2",
    "other_school": "thcs1.giaovien1",
    "other_district": "th2.giaovien1",
}


@dataclass
class Target:
    """How to call a route for one scope: URL kwargs, query string, and the object the scope is
    about (what the route table's row for that scope describes; the test never asks the policy
    about it)."""

    kwargs: dict[str, Any] = field(default_factory=dict)
    obj: Any = None
    query: str = ""


def user(username: str) -> Any:
    return get_user_model().objects.get(username=username)


def school(scope: str) -> Unit:
    return Unit.objects.get(code=SCHOOL_OF_SCOPE[scope])


def staff(scope: str) -> Staff:
    return Staff.objects.select_related("unit").get(user__username=OWNER_OF_SCOPE[scope])


def student(scope: str) -> Student:
    students = Student.objects.select_related("school").filter(school=school(scope))
    # "own": a pupil in a class of the reference teacher's school, the first; "same": another.
    return students.order_by("pk")[1 if scope == "same_school" else 0]


def school_class(scope: str) -> Unit:
    classes = Unit.objects.filter(school=school(scope), kind=UnitKind.LOP).order_by("pk")
    return classes[1 if scope == "same_school" else 0]


def _first(queryset: Any) -> Any:
    return queryset.order_by("pk").first()


def record(scope: str) -> Any:
    """The reference teacher's own record, a colleague's, another school's, another district's."""
    from hoso.records.models import Record

    records = Record.objects.select_related("school", "record_type")
    return _first(records.filter(owner__username=OWNER_OF_SCOPE[scope])) or (
        None if scope in ("own", "same_school") else _first(records.filter(school=school(scope)))
    )


def due_item(scope: str) -> Any:
    from hoso.records.models import DueItem

    return _first(DueItem.objects.filter(owner__username=OWNER_OF_SCOPE[scope]))


def hocba(scope: str) -> Any:
    from hoso.grading.models import HocBaVersion

    versions = HocBaVersion.objects.select_related("school_class").filter(
        school_class__school=school(scope)
    )
    return versions.order_by("pk")[1 if scope == "same_school" else 0 :].first()


def hocba_batch(scope: str) -> Any:
    """A học bạ batch of the scope's teacher; in the other district (no GVCN there) the HT's."""
    from hoso.grading.models import HocBaBatch

    batches = HocBaBatch.objects.select_related("school_class")
    return _first(batches.filter(user__username=OWNER_OF_SCOPE[scope])) or (
        None
        if scope in ("own", "same_school")
        else _first(batches.filter(school_class__school=school(scope)))
    )


def correction(scope: str) -> Any:
    from hoso.grading.models import CorrectionRequest

    return _first(CorrectionRequest.objects.filter(school_class__school=school(scope)))


def window(scope: str) -> Any:
    from hoso.grading.models import EntryWindow

    return _first(EntryWindow.objects.filter(school=school(scope)))


def batch(scope: str) -> Any:
    """Only principals sign in batches: th1's principal's two (own / same school), then the
    principal's of another school and of another district (hoso/signing/demo.py)."""
    from hoso.signing.models import SignBatch

    batches = SignBatch.objects.filter(user__staff__unit__school=school(scope))
    return batches.order_by("pk")[1 if scope == "same_school" else 0 :].first()


def book_batch(scope: str) -> Any:
    """A whole-school books batch of the scope's school (hoso/books/demo.py makes one per
    school with books); none for th1's "same school" beyond the first."""
    from hoso.books.models import BookBatch

    return BookBatch.objects.filter(school=school(scope)).order_by("pk").first()


def remote_provider() -> Any:
    """The Sở's remote-signing provider row of the test world (never called)."""
    from hoso.signing.remote.models import RemoteProvider

    so = Unit.objects.filter(kind=UnitKind.SO).order_by("pk").first()
    provider, _ = RemoteProvider.objects.get_or_create(
        unit=so,
        name="Nhà cung cấp thử (không kết nối)",
        defaults={"base_url": "https://127.0.0.1:9/", "client_id": "thu"},
    )
    return provider


def remote_request(scope: str) -> Any:
    """A finished remote-signing request of the scope's reference teacher. The demo has no
    remote provider (none can be reached from it), so the test world adds one: a Sở provider
    row, the teacher's demo certificate linked to it, one request already done (nothing on it
    ever calls the provider)."""
    from django.utils import timezone

    from hoso.signing.models import Certificate, CertKind
    from hoso.signing.remote.models import (
        RemoteCredential,
        RemoteRequest,
        RequestStatus,
    )

    owner = user(OWNER_OF_SCOPE[scope])
    found = RemoteRequest.objects.filter(user=owner).order_by("pk").first()
    if found is not None:
        return found
    provider = remote_provider()
    cert = Certificate.objects.filter(owner=owner, kind=CertKind.PERSONAL).first()
    now = timezone.now()
    credential = RemoteCredential.objects.create(
        provider=provider,
        owner=owner,
        user_ref=owner.username,
        credential_ref=f"thu-{owner.pk}",
        certificate=cert,
        linked_at=now,
    )
    return RemoteRequest.objects.create(
        user=owner,
        credential=credential,
        source="records",
        status=RequestStatus.DONE,
        created_at=now,
        expires_at=now,
        finished_at=now,
    )
