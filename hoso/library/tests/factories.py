"""factory_boy factories for library objects in the demo schools."""

from __future__ import annotations

import factory

from hoso.library.models import BibRecord, Copy, ItemKind
from hoso.org.models import Unit


def school(code: str) -> Unit:
    return Unit.objects.get(code=code)


class BibRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BibRecord

    school = factory.LazyFunction(lambda: school("TH1"))
    kind = ItemKind.STK
    title = factory.Sequence(lambda n: f"Dế Mèn phiêu lưu ký tập {n}")
    authors = "Tô Hoài"
    search_text = factory.LazyAttribute(lambda o: f"{o.title} {o.authors}".lower())


class CopyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Copy

    record = factory.SubFactory(BibRecordFactory)
    school = factory.LazyAttribute(lambda o: o.record.school)
    reg_number = factory.Sequence(lambda n: 900000 + n)
    barcode = factory.LazyAttribute(lambda o: f"TEST-{o.reg_number}")
