"""Worlds for the school-life tests: small_province's schools with classes and pupils
(hoso.grading.tests.factories), the seals and the signers of a học bạ holding demo
certificates, and a pupil of TH Nguyễn Du's Lớp 1A with an issued học bạ."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hoso.grading.hocba.services.versions import hocba_create, hocba_sign
from hoso.grading.models import HocBaStatus, HocBaVersion
from hoso.grading.tests.conftest import first_student, gvcn_of
from hoso.grading.tests.factories import gradebook_as_in_the_demo
from hoso.org.models import Student, Unit
from hoso.org.tests.factories import school_class
from hoso.org.tests.factories import students as pupils_of
from hoso.signing import demo as signing_demo
from hoso.signing.models import CertKind
from hoso.signing.services.signers import SignerHandle, signer_close, signer_for
from tests.factories import demo_password

MARCH = dt.date(2026, 3, 10)


def transfer_world() -> Any:
    """th1 (TH Nguyễn Du) with Lớp 1A (gradebook as in the demo) and Lớp 1B; th2 (TH Kim
    Đồng) with Lớp 1A; demo certificates for 1A's GVCN, th1's principal and clerk, and the
    seals of both schools."""
    world = gradebook_as_in_the_demo("th1.1A", "th2.1A")
    world.units["th1.1B"] = school_class(world.units["th1"], "1B", 1, code="GB-TH1-1B")
    pupils_of(world.units["th1.1B"], 2)
    signers = [gvcn_of(world.units["th1.1A"]), world.people["th1.hieutruong"]]
    signers += [world.people["th1.vanthu"], world.people["th2.hieutruong"]]
    signing_demo.create_demo_pki(users=signers, schools=[world.units["th1"], world.units["th2"]])
    return world


def seal_of(user: Any, school: Unit) -> SignerHandle:
    return signer_for(actor=user, kind=CertKind.SEAL, unit=school, passphrase=demo_password())


def _sign(user: Any, version: HocBaVersion, seal: bool = False) -> None:
    kind = CertKind.SEAL if seal else CertKind.PERSONAL
    unit = version.school_class.school if seal else None
    handle = signer_for(actor=user, kind=kind, unit=unit, passphrase=demo_password())
    try:
        hocba_sign(actor=user, version=version, signer=handle.signer)
    finally:
        signer_close(handle)


def pupil_with_hocba(world: Any) -> tuple[Student, HocBaVersion]:
    """Lớp 1A's fourth pupil, the year's assessments complete and the học bạ issued."""
    from hoso.grading.tests.test_outputs_hocba import _complete_year

    lop = world.units["th1.1A"]
    pupil = first_student(lop, 3)
    _complete_year(lop, pupil)
    gvcn = gvcn_of(lop)
    version = hocba_create(actor=gvcn, school_class=lop, student=pupil)
    _sign(gvcn, version)
    _sign(world.people["th1.hieutruong"], version)
    _sign(world.people["th1.vanthu"], version, seal=True)
    version.refresh_from_db()
    assert version.status == HocBaStatus.ISSUED
    return pupil, version
