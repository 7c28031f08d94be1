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
