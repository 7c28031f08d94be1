"""factory_boy factories for library objects: in the demo schools by default (TH1, th1.thuthu),
or in any school given (school=..., owner_unit=...), such as those of library_world()."""

from __future__ import annotations

from typing import Any

import factory
from django.contrib.auth import get_user_model

from hoso.library.catalog import search_text
from hoso.library.models import (
    BibRecord,
    Copy,
    CopyStatus,
    DigitalResource,
    ItemKind,
    ResourceFormat,
    ResourceState,
)
from hoso.org.models import Unit, UnitKind
from hoso.org.tests.factories import Province, small_province


def school(code: str) -> Unit:
    return Unit.objects.get(code=code)


def user(username: str) -> Any:
    return get_user_model().objects.get(username=username)


class BibRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BibRecord

    school = factory.LazyFunction(lambda: school("TH1"))
    kind = ItemKind.STK
    title = factory.Sequence(lambda n: f"Dế Mèn phiêu lưu ký tập {n}")
    authors = "Tô Hoài"
    series = ""
    search_text = factory.LazyAttribute(lambda o: search_text(o.title, o.authors, o.series))


class CopyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Copy

    record = factory.SubFactory(BibRecordFactory)
    school = factory.LazyAttribute(lambda o: o.record.school)
    reg_number = factory.Sequence(lambda n: 900000 + n)
    barcode = factory.LazyAttribute(lambda o: f"TEST-{o.reg_number}")


class DigitalResourceFactory(factory.django.DjangoModelFactory):
    """A published link of th1's digital library unless told otherwise."""

    class Meta:
        model = DigitalResource

    owner_unit = factory.LazyFunction(lambda: school("TH1"))
    school = factory.LazyAttribute(
        lambda o: o.owner_unit if o.owner_unit.kind == UnitKind.TRUONG else None
    )
    title = factory.Sequence(lambda n: f"Bài giảng điện tử số {n}")
    fmt = ResourceFormat.LINK
    url = factory.Sequence(lambda n: f"https://hoc.example.vn/bai-{n}")
    state = ResourceState.PUBLISHED
    proposed_by = factory.LazyFunction(lambda: user("th1.thuthu"))


def library_world(prefix: str = "lb") -> Province:
    """small_province(prefix) (the demo's schools and people, th1's librarian among them) with
    the library of th1, thcs1 and th2 opened by the catalogue service, no book yet: a test adds
    the titles and copies it needs with the factories above (school=...)."""
    from hoso.library.services.catalogue import library_of

    world = small_province(prefix)
    for key in ("th1", "thcs1", "th2"):
        library_of(world.units[key])
    return world


def lent(librarian: Any, copy: Copy, patron_code: str) -> Any:
    """`copy` lent to the patron whose card carries `patron_code`, by circulation's service."""
    from hoso.library.services.circulation import loan_checkout

    return loan_checkout(
        actor=librarian, school=copy.school, patron_code=patron_code, barcode=copy.barcode
    )


def school_library(world: Province, key: str) -> dict[str, Any]:
    """A little of what hoso.library.demo leaves in a school's library, written as rows as the
    demo writes them (not through the librarian's services: only th1 has a librarian): three
    titles with a copy each, two pupils in a class (one borrowing a copy, the other holding
    its title), a stocktake under way, a copy proposed for weeding, and a teacher's digital
    resource awaiting review."""
    import datetime as dt

    from django.utils import timezone

    from hoso.library.models import Hold, Loan, StockTake, Weeding
    from hoso.org.tests.factories import school_class, students

    school, librarian = world.units[key], world.people["th1.thuthu"]
    copies = [CopyFactory(record=BibRecordFactory(school=school)) for _ in range(3)]
    grade = 6 if school.level == "THCS" else 1
    lop = school_class(school, f"{grade}A", grade, code=f"{school.code}-LOP{grade}A")
    pupils = students(lop, 2)
    now = timezone.now()
    loan = Loan.objects.create(
        copy=copies[0],
        school=school,
        student=pupils[0],
        issued_by=librarian,
        issued_at=now,
        due_on=timezone.localdate() + dt.timedelta(days=14),
    )
    Copy.objects.filter(pk=copies[0].pk).update(status=CopyStatus.ON_LOAN)
    hold = Hold.objects.create(record=copies[0].record, school=school, student=pupils[1])
    take = StockTake.objects.create(school=school, name="Kiểm kê giữa năm", created_by=librarian)
    weeding = Weeding.objects.create(school=school, reason="Rách nát", proposed_by=librarian)
    weeding.copies.set([copies[2]])
    teacher = next(p for u, p in world.people.items() if u.startswith(f"{key}.giaovien"))
    proposal = DigitalResourceFactory(
        owner_unit=school, state=ResourceState.PROPOSED, proposed_by=teacher
    )
    return {
        "copies": copies,
        "loan": loan,
        "hold": hold,
        "stocktake": take,
        "weeding": weeding,
        "proposal": proposal,
    }
