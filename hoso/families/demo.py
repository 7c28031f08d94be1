"""The demo's parents: ph.hs1 (hoso.grading.demo) has consented on the web, so the README
account shows the child's results at once; ph.hs2, the parent of the second pupil of TH
Nguyễn Du 1A, has an account and no consent yet (the page asks first). The class's parents
are made from the pupils' particulars, and the GVCN's consent list has all three states."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from hoso.accounts.models import AccountProfile
from hoso.families.services.consent import consent_give
from hoso.families.services.contacts import contacts_from_particulars
from hoso.grading.models import Guardian
from hoso.org.demo import DemoProvince, register_demo_step
from hoso.org.models import Enrolment

CONSENTED_PARENT = "ph.hs1"
WAITING_PARENT = "ph.hs2"


def demo_families(demo: DemoProvince) -> None:
    lop1a = demo.units["th1.lop.1A"]
    gvcn = demo.users["th1.giaovien1"]
    contacts_from_particulars(actor=gvcn, school_class=lop1a)
    parent = demo.users.get(CONSENTED_PARENT)
    if parent is not None:
        child = Guardian.objects.filter(user=parent).first()
        if child is not None:
            consent_give(actor=parent, student=child.student)
    second = Enrolment.objects.filter(school_class=lop1a).order_by("student__sort_key")[1].student
    user = get_user_model().objects.create(
        username=WAITING_PARENT,
        password=make_password(settings.DEMO_PASSWORD),
        first_name=f"Phụ huynh em {second.full_name}",
    )
    AccountProfile.objects.create(user=user, is_demo=True, full_name=user.first_name)
    Guardian.objects.create(user=user, student=second, relation="Mẹ")
    demo.users[WAITING_PARENT] = user


register_demo_step(demo_families, order=305)  # after the gradebook's parent (300)
