"""Every-URL entries of grading (hoso/grading: gradebook, corrections, windows, assignments,
học bạ) and of the books generated from it (hoso/books)."""

from __future__ import annotations

from collections.abc import Callable

from hoso.org.models import Unit, UnitKind
from tests.security import demo
from tests.security.demo import Target
from tests.security.expect import (
    ADMIN,
    CLASS_READERS,
    GV,
    GV_OWN_ONLY,
    HT,
    LEADERS_ONLY,
    LEADERS_TH1,
    NOBODY,
    READERS_TH1,
    SO,
    Scopes,
    everywhere,
    th1_and_above,
)
from tests.security.routes import GATE, LOGIN, OBJECT, Route, by_pk, student_target


def _sheet(scope: str) -> Target | None:
    from hoso.grading.catalogue import sheets_of

    school_class = demo.school_class(scope)
    sheets = sheets_of(school_class)
    if not sheets:
        return None
    sheet = sheets[0][0]
    return Target({"pk": school_class.pk, "sheet": sheet}, (school_class, sheet))


def _class_of_sheet(scope: str) -> Target | None:
    found = _sheet(scope)
    if found is not None:
        found.obj = found.obj[0]
    return found


def _assignment_school(scope: str) -> Target:
    school = demo.school(scope)
    return Target({"pk": school.pk}, school)


def _assignment_grade(scope: str) -> Target | None:
    school = demo.school(scope)
    first = Unit.objects.filter(kind=UnitKind.LOP, school=school).order_by("grade").first()
    if first is None or first.grade is None:
        return None
    return Target({"pk": school.pk, "grade": first.grade}, school)


def _subjects_of_grade(query_name: str) -> Callable[[str], Target | None]:
    def target(scope: str) -> Target | None:
        found = _assignment_grade(scope)
        if found is not None:
            found.query = f"{query_name}={found.kwargs.pop('grade')}"
        return found

    return target


def _so_unit(scope: str) -> Target:
    unit = Unit.objects.get(kind=UnitKind.SO)
    return Target({"pk": unit.pk}, unit)


def _child(scope: str) -> Target:
    obj = demo.student(scope)
    return Target({"student_id": obj.pk}, obj)


CLASS = "grading.class.view"
# No demo book batch yet (the walk skips these); whoever starts a whole-school batch sees it.
BOOK_KEEPERS = th1_and_above(READERS_TH1, offices=False)


GRADING_ROUTES: dict[str, Route] = {
    # --- grading ---------------------------------------------------------------------------
    "grading:classes": Route(LOGIN),
    "grading:class": Route(
        OBJECT, expect=CLASS_READERS, action=CLASS, targets=by_pk(demo.school_class)
    ),
    "grading:grid": Route(OBJECT, expect=CLASS_READERS, action=CLASS, targets=_class_of_sheet),
    "grading:grid-save": Route(
        OBJECT,
        expect=GV_OWN_ONLY,
        sees=CLASS_READERS,
        action="grading.sheet.enter",
        targets=_sheet,
        methods=("POST",),
    ),
    "grading:correction-new": Route(
        OBJECT,
        expect=GV_OWN_ONLY,
        sees=CLASS_READERS,
        action="grading.sheet.enter",
        targets=_sheet,
        methods=("POST",),
    ),
    "grading:publish": Route(
        OBJECT,
        expect=LEADERS_ONLY,
        sees=CLASS_READERS,
        action="grading.results.publish",
        targets=by_pk(demo.school_class),
        methods=("POST",),
    ),
    "grading:summary-xlsx": Route(
        OBJECT, expect=CLASS_READERS, action=CLASS, targets=by_pk(demo.school_class)
    ),
    "grading:summary-pdf": Route(
        OBJECT, expect=CLASS_READERS, action=CLASS, targets=by_pk(demo.school_class)
    ),
    "grading:class-hocba": Route(
        OBJECT, expect=CLASS_READERS, action=CLASS, targets=by_pk(demo.school_class)
    ),
    "grading:class-hocba-zip": Route(
        OBJECT, expect=CLASS_READERS, action=CLASS, targets=by_pk(demo.school_class)
    ),
    "grading:class-hocba-sign": Route(
        OBJECT,
        expect=CLASS_READERS,
        action=CLASS,
        targets=by_pk(demo.school_class),
        methods=("POST",),
    ),
    "grading:hocba-batch": Route(
        OBJECT,
        expect=th1_and_above(LEADERS_TH1 | {GV}, same=LEADERS_TH1, offices=False),
        action="grading.hocba.batch.view",
        targets=by_pk(demo.hocba_batch),
    ),
    "grading:hocba-batch-progress": Route(
        OBJECT,
        expect=th1_and_above(LEADERS_TH1 | {GV}, same=LEADERS_TH1, offices=False),
        action="grading.hocba.batch.view",
        targets=by_pk(demo.hocba_batch),
    ),
    "grading:hocba": Route(
        OBJECT, expect=CLASS_READERS, action="grading.hocba.view", targets=by_pk(demo.hocba)
    ),
    "books:class-missing": Route(
        OBJECT, expect=CLASS_READERS, action=CLASS, targets=by_pk(demo.school_class)
    ),
    "books:index": Route(LOGIN),
    "books:school": Route(
        OBJECT,
        expect=BOOK_KEEPERS,
        action="books.school.generate",
        targets=by_pk(demo.school),
    ),
    "books:school-issue": Route(
        OBJECT,
        expect=BOOK_KEEPERS,
        action="books.school.generate",
        targets=by_pk(demo.school),
        methods=("POST",),
    ),
    "books:batch-start": Route(
        OBJECT,
        expect=BOOK_KEEPERS,
        action="books.school.generate",
        targets=by_pk(demo.school),
        methods=("POST",),
    ),
    "books:batch": Route(
        OBJECT, expect=BOOK_KEEPERS, action="books.batch.view", targets=by_pk(demo.book_batch)
    ),
    "books:batch-progress": Route(
        OBJECT, expect=BOOK_KEEPERS, action="books.batch.view", targets=by_pk(demo.book_batch)
    ),
    "books:class": Route(
        OBJECT, expect=CLASS_READERS, action=CLASS, targets=by_pk(demo.school_class)
    ),
    "books:class-issue": Route(
        OBJECT,
        expect=th1_and_above(READERS_TH1 | {GV}, same=READERS_TH1, offices=False),
        sees=CLASS_READERS,
        action="books.class.generate",
        targets=by_pk(demo.school_class),
        methods=("POST",),
    ),
    "books:student-fill": Route(
        OBJECT,
        expect=th1_and_above(READERS_TH1 | {GV}, offices=False),
        action="books.student.fill",
        targets=student_target,
        methods=("GET", "POST"),
    ),
    "grading:hocba-pdf": Route(
        OBJECT, expect=CLASS_READERS, action="grading.hocba.view", targets=by_pk(demo.hocba)
    ),
    "grading:hocba-xml": Route(
        OBJECT, expect=CLASS_READERS, action="grading.hocba.view", targets=by_pk(demo.hocba)
    ),
    "grading:hocba-sign": Route(
        OBJECT,
        expect=NOBODY,
        sees=CLASS_READERS,
        action="grading.hocba.sign",
        targets=by_pk(demo.hocba),
        methods=("POST",),
    ),
    "grading:hocba-correct": Route(
        OBJECT,
        expect=Scopes(own=LEADERS_TH1 | {GV, ADMIN}),
        sees=CLASS_READERS,
        action="grading.hocba.correct",
        targets=by_pk(demo.hocba),
        methods=("POST",),
    ),
    "grading:corrections": Route(LOGIN),
    "grading:correction-decide": Route(
        OBJECT,
        expect=th1_and_above({HT}, offices=False),
        sees=th1_and_above(READERS_TH1 | {GV}),
        action="grading.correction.decide",
        targets=by_pk(demo.correction),
        methods=("POST",),
    ),
    "grading:windows": Route(GATE, expect=READERS_TH1 | {ADMIN}),
    "grading:window-close": Route(
        OBJECT,
        expect=th1_and_above(READERS_TH1, offices=False),
        action="grading.window.manage",
        targets=by_pk(demo.window),
        methods=("POST",),
    ),
    "grading:assignments": Route(GATE, expect=LEADERS_TH1 | {ADMIN}),
    "grading:assignment-school": Route(
        OBJECT, expect=LEADERS_ONLY, action="grading.assignment.manage", targets=_assignment_school
    ),
    "grading:assignment-grid": Route(
        OBJECT, expect=LEADERS_ONLY, action="grading.assignment.manage", targets=_assignment_grade
    ),
    "grading:assignment-export": Route(
        OBJECT, expect=LEADERS_ONLY, action="grading.assignment.manage", targets=_assignment_school
    ),
    "grading:assignment-import": Route(
        OBJECT,
        expect=LEADERS_ONLY,
        action="grading.assignment.manage",
        targets=_assignment_school,
        methods=("POST",),
    ),
    "grading:school-subjects": Route(
        OBJECT,
        expect=LEADERS_ONLY,
        action="grading.assignment.manage",
        targets=_subjects_of_grade("khoi"),
    ),
    "grading:rules-config": Route(GATE, expect={SO, ADMIN}),
    "api-grading-assignments": Route(
        OBJECT, expect=LEADERS_ONLY, action="grading.assignment.manage", targets=_assignment_school
    ),
    "api-grading-subjects": Route(
        OBJECT,
        expect=LEADERS_ONLY,
        action="grading.assignment.manage",
        targets=_subjects_of_grade("grade"),
    ),
    "api-grading-config": Route(LOGIN),
    "api-grading-my-sheets": Route(LOGIN),
    "api-grading-config-assign": Route(
        OBJECT,
        expect=everywhere({SO, ADMIN}),
        action="grading.config.manage",
        targets=_so_unit,
        methods=("POST",),
    ),
    "grading:my-children": Route(LOGIN),
    "grading:child-results": Route(
        OBJECT, expect=NOBODY, action="grading.student.results", targets=_child
    ),
    "api-grading-classes": Route(LOGIN),
    "api-gradebook": Route(
        OBJECT, expect=CLASS_READERS, action=CLASS, targets=by_pk(demo.school_class)
    ),
    "api-entries": Route(OBJECT, expect=CLASS_READERS, action=CLASS, targets=_class_of_sheet),
    "api-windows": Route(LOGIN),
    "api-window-close": Route(
        OBJECT,
        expect=th1_and_above(READERS_TH1, offices=False),
        action="grading.window.manage",
        targets=by_pk(demo.window),
        methods=("POST",),
    ),
    "api-corrections": Route(LOGIN),
    "api-correction-decide": Route(
        OBJECT,
        expect=th1_and_above({HT}, offices=False),
        sees=th1_and_above(READERS_TH1 | {GV}),
        action="grading.correction.decide",
        targets=by_pk(demo.correction, decision="approve"),
        methods=("POST",),
    ),
    "api-student-results": Route(
        OBJECT, expect=NOBODY, action="grading.student.results", targets=student_target
    ),
}
