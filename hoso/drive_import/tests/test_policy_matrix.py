"""drive_import.manage as a matrix: every role of a school and its Phòng × the school itself,
its batch and export, and another school's. Written by hand from docs/drive-import.md: the
principal and the clerk of the school, nobody else (not the deputy, the teachers, the Phòng,
the administrator)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from hoso.drive_import.models import BatchStatus, ExportStatus, ImportBatch, YearExport
from hoso.policy.tests.matrix import assert_row
from tests.factories import UserFactory, school_world

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]

COVERED = {"drive_import.manage"}


def _batch(school, user):
    return ImportBatch.objects.create(
        school=school,
        created_by=user,
        created_at=timezone.now(),
        filename="a.zip",
        zip_sha256="0" * 64,
        status=BatchStatus.READY,
    )


def _export(school, user, year):
    return YearExport.objects.create(
        school=school,
        school_year=year,
        created_by=user,
        created_at=timezone.now() - dt.timedelta(minutes=1),
        status=ExportStatus.DONE,
    )


def test_only_the_principal_and_the_clerk_of_the_school_manage():
    own, other = school_world("pm"), school_world("pmx")
    school, elsewhere = own.units["school"], other.units["school"]
    principal = own.people["hieutruong"]
    objects = [
        school,
        _batch(school, principal),
        _export(school, principal, own.year),
        elsewhere,
        _batch(elsewhere, other.people["hieutruong"]),
        _export(elsewhere, other.people["hieutruong"], other.year),
    ]
    admin = UserFactory(username="pm.admin", is_superuser=True, is_staff=True)
    expected = {
        "hieutruong": (True, True, True, False, False, False),
        "vanthu": (True, True, True, False, False, False),
        "phohieutruong": (False,) * 6,
        "totruong": (False,) * 6,
        "giaovien": (False,) * 6,
        "chuyenvien": (False,) * 6,
    }
    for key, row in expected.items():
        person = own.people[key]
        assert_row(person, "drive_import.manage", objects[:1] + objects[3:4], row[:1] + row[3:4])
        assert_row(
            person,
            "drive_import.manage",
            objects[1:2] + objects[4:5],
            row[1:2] + row[4:5],
            ImportBatch,
        )
        assert_row(
            person,
            "drive_import.manage",
            objects[2:3] + objects[5:6],
            row[2:3] + row[5:6],
            YearExport,
        )
    assert_row(admin, "drive_import.manage", objects, (False,) * 6)
    # The class unit is no school: nobody manages an import "of" it.
    assert_row(
        principal, "drive_import.manage", [own.units["lop"], own.units["to"]], (False, False)
    )
