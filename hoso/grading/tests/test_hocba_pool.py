"""A class's học bạ batch lays the forms out in the pool's processes (hoso.core.cores) and
stores them here; a version whose data changed after it was laid out is laid out again, so a
stored học bạ always shows its own data."""

from __future__ import annotations

import pytest

from hoso.core.cores import close_pool
from hoso.grading.hocba.services import versions
from hoso.grading.hocba.services.batches import hocba_batch_create, hocba_batch_run
from hoso.grading.hocba.services.versions import hocba_create, hocba_files
from hoso.grading.models import HocBaVersion
from hoso.grading.outputs.tables import hoc_ba_data
from hoso.grading.tests.conftest import first_student, gvcn_of
from hoso.grading.tests.factories import gradebook_as_in_the_demo
from hoso.grading.tests.test_outputs_hocba import _complete_year
from hoso.signing.demo import create_demo_pki
from hoso.storage import blob_store

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world():
    """th1's Lớp 1A and 5A as the demo leaves them (six pupils each), with the demo
    certificates of 1A's GVCN, the principal and the clerk, and th1's seal."""
    world = gradebook_as_in_the_demo("th1.1A", "th1.5A")
    signers = [gvcn_of(world.units["th1.1A"])]
    signers += [world.people["th1.hieutruong"], world.people["th1.vanthu"]]
    create_demo_pki(users=signers, schools=[world.units["th1"]])
    return world


def _issue(world, settings, pupils):
    """The pupils' học bạ made and signed by GVCN, principal and seal through the batches."""
    from hoso.grading.hocba.services.batches import hocba_batch_sign

    lop = world.units["th1.1A"]
    gvcn = gvcn_of(lop)
    for pupil in pupils:
        _complete_year(lop, pupil)
        HocBaVersion.objects.filter(student=pupil).delete()
        hocba_create(actor=gvcn, school_class=lop, student=pupil)
    for actor in (gvcn, world.people["th1.hieutruong"], world.people["th1.vanthu"]):
        batch = hocba_batch_sign(actor=actor, school_class=lop, passphrase=settings.DEMO_PASSWORD)
        batch = hocba_batch_run(batch_id=batch.pk)
        assert (batch.done, batch.failed) == (len(pupils), 0), list(batch.items.values("message"))


@pytest.fixture
def laid_out_here(monkeypatch):
    """The học bạ laid out in this process (not ahead, by the pool)."""
    here = []
    real = versions.hocba_files

    def counted(job):
        here.append(job[0]["student"]["full_name"])
        return real(job)

    monkeypatch.setattr(versions, "hocba_files", counted)
    return here


def test_a_class_batch_is_laid_out_by_the_pool_and_stored_whole(world, settings, laid_out_here):
    settings.HOSO_CPU_PROCESSES = 2
    lop = world.units["th1.5A"]
    HocBaVersion.objects.filter(school_class=lop).delete()
    try:
        batch = hocba_batch_create(actor=gvcn_of(lop), school_class=lop)
        batch = hocba_batch_run(batch_id=batch.pk)
    finally:
        close_pool()
    made = HocBaVersion.objects.filter(school_class=lop)
    assert (batch.done, batch.failed) == (batch.total, 0) and made.count() == batch.total > 1
    # The pool processes touch no database: had one tried, its pupil would be laid out here.
    assert laid_out_here == []
    for version in made:
        pdf = blob_store().open(version.pdf_sha256).read()
        assert pdf.startswith(b"%PDF-")
        assert version.data == hoc_ba_data(lop, version.student)


@pytest.mark.parametrize("stale", ["data", "number"])
def test_files_laid_out_from_other_data_or_as_another_number_are_not_used(
    world, laid_out_here, stale
):
    lop = world.units["th1.5A"]
    pupil = first_student(lop)
    _complete_year(lop, pupil)
    HocBaVersion.objects.filter(student=pupil).delete()
    data = hoc_ba_data(lop, pupil)
    other = {**data, "missing": ["dữ liệu cũ"]} if stale == "data" else data
    ahead = hocba_files((other, 1 if stale == "data" else 2))
    laid_out_here.clear()
    version = hocba_create(actor=gvcn_of(lop), school_class=lop, student=pupil, ahead=ahead)
    assert laid_out_here == [data["student"]["full_name"]]  # laid out again, from its own data
    assert (version.number, version.data) == (1, data)
    assert blob_store().open(version.pdf_sha256).read() != ahead.pdf


def test_files_laid_out_from_the_same_data_are_stored_as_they_are(world, laid_out_here):
    lop = world.units["th1.5A"]
    pupil = first_student(lop)
    HocBaVersion.objects.filter(student=pupil).delete()
    ahead = hocba_files((hoc_ba_data(lop, pupil), 1))
    laid_out_here.clear()
    version = hocba_create(actor=gvcn_of(lop), school_class=lop, student=pupil, ahead=ahead)
    assert laid_out_here == []
    assert blob_store().open(version.pdf_sha256).read() == ahead.pdf


def test_the_checks_before_each_signature_come_from_the_pool_and_the_issue_is_checked_here(
    world, settings, monkeypatch
):
    """GVCN, principal and seal batches with the pool: the signatures already on each file are
    checked by the pool's processes on the very bytes signed next; the file after the seal is
    checked here before the học bạ is issued (one check per pupil in this process)."""
    from hoso.grading.hocba import verify
    from hoso.grading.hocba.services.batches import hocba_batch_sign
    from hoso.grading.hocba.verify import verify_version
    from hoso.grading.models import HocBaStatus
    from hoso.org.models import Role, RoleAssignment

    settings.HOSO_CPU_PROCESSES = 2
    lop = world.units["th1.1A"]
    pupils = [first_student(lop, i) for i in (3, 4)]
    gvcn = gvcn_of(lop)
    for pupil in pupils:
        _complete_year(lop, pupil)
        HocBaVersion.objects.filter(student=pupil).delete()
        hocba_create(actor=gvcn, school_class=lop, student=pupil)
    here = []
    real = verify._validated
    monkeypatch.setattr(
        verify, "_validated", lambda pdf, cached: here.append(1) or real(pdf, cached)
    )
    people = {
        role: RoleAssignment.objects.filter(unit=lop.school, role=role).first().user
        for role in (Role.HT, Role.VT)
    }
    try:
        for actor in (gvcn, people[Role.HT], people[Role.VT]):
            batch = hocba_batch_sign(
                actor=actor, school_class=lop, passphrase=settings.DEMO_PASSWORD
            )
            batch = hocba_batch_run(batch_id=batch.pk)
            assert (batch.done, batch.failed) == (2, 0), list(batch.items.values("message"))
    finally:
        close_pool()
    assert len(here) == len(pupils)  # only the issue's check, for each pupil
    for version in HocBaVersion.objects.filter(student__in=pupils):
        assert version.status == HocBaStatus.ISSUED
        assert verify_version(version).ok


def test_an_answer_made_ahead_is_used_only_for_the_very_same_bytes(world, settings):
    from hoso.grading.hocba.verify import Answers, _key, verify_pdf

    _issue(world, settings, [first_student(world.units["th1.1A"], 2)])  # as the demo's is

    version = HocBaVersion.objects.filter(status="issued").first()
    pdf = blob_store().open(version.pdf_sha256).read()
    signatures = list(version.signatures.order_by("signed_at", "id"))
    refused = (None, [("KHÔNG HỢP LỆ (câu trả lời kiểm thử)", False)] * len(signatures))
    same = Answers([_key(pdf)], iter([refused]))
    assert (
        "KHÔNG HỢP LỆ (câu trả lời kiểm thử)"
        in verify_pdf(pdf, version.pdf_sha256, signatures, ahead=same).problems
    )
    other = Answers([_key(pdf + b"\n")], iter([refused]))
    assert verify_pdf(pdf, version.pdf_sha256, signatures, ahead=other).ok
