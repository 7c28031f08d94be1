"""Every-URL entries of the families app (hoso/families): a parent's children and consent, the
directives meant for parents and their files (walked accounts are staff: nobody of them is a
parent, so those routes answer nobody), and the school's class pages about parents: the HT,
PHT and văn thư of the school and the class's GVCN (the reference teacher, th1's first class),
the administrator; the consent list without the văn thư and the administrator; never the
offices above (a list of families)."""

from __future__ import annotations

from hoso.grading.models import Guardian
from tests.security import demo
from tests.security.demo import Target
from tests.security.expect import GV, HT, NOBODY, PHT, VT, th1_and_above
from tests.security.routes import LOGIN, OBJECT, PUBLIC, Route, by_pk

MANAGE = "families.class.manage"
MANAGERS = th1_and_above({GV, HT, PHT, VT}, same={HT, PHT, VT}, offices=False)
LISTERS = th1_and_above({GV, HT, PHT}, same={HT, PHT}, offices=False, admin=False)
CHILD = "families.child.consent"
POST = ("POST",)


def _student(scope: str) -> Target:
    obj = demo.student(scope)
    return Target({"pk": obj.pk}, obj)


def _contact(scope: str) -> Target | None:
    from hoso.families.models import ParentContact

    school_class = demo.school_class(scope)
    contact = ParentContact.objects.filter(student__enrolments__school_class=school_class).first()
    if contact is None:
        return None
    return Target({"pk": school_class.pk, "contact_id": contact.pk}, school_class)


def _paper(scope: str) -> Target | None:
    school_class = demo.school_class(scope)
    link = Guardian.objects.filter(student__enrolments__school_class=school_class).first()
    if link is None:
        return None
    kwargs = {"pk": school_class.pk, "user_id": link.user_id, "student_id": link.student_id}
    return Target(kwargs, school_class)


def _parent_directive(scope: str) -> Target | None:
    """A directive meant for parents sent to the scope's school (the demo's, from Phòng 1)."""
    from hoso.offices.models import Directive

    found = (
        Directive.objects.filter(for_parents=True, recipients__unit=demo.school(scope))
        .order_by("pk")
        .first()
    )
    return None if found is None else Target({"pk": found.pk}, found)


def _class(methods: tuple[str, ...] = ("GET",)) -> Route:
    return Route(
        OBJECT, expect=MANAGERS, action=MANAGE, targets=by_pk(demo.school_class), methods=methods
    )


FAMILIES_ROUTES: dict[str, Route] = {
    "families:home": Route(LOGIN),
    "families:redeem": Route(PUBLIC),
    "families:consent": Route(
        OBJECT, expect=NOBODY, action=CHILD, targets=_student, methods=("GET", "POST")
    ),
    "families:withdraw": Route(OBJECT, expect=NOBODY, action=CHILD, targets=_student, methods=POST),
    "families:directive-file": Route(
        OBJECT, expect=NOBODY, action="families.directive.view", targets=_parent_directive
    ),
    "families:classes": Route(LOGIN),
    "families:class": _class(),
    "families:make-contacts": _class(POST),
    "families:code-sheet": _class(POST),
    "families:contact-edit": Route(
        OBJECT, expect=MANAGERS, action=MANAGE, targets=_contact, methods=POST
    ),
    "families:invite": Route(
        OBJECT, expect=MANAGERS, action=MANAGE, targets=_contact, methods=POST
    ),
    "families:paper-consent": Route(
        OBJECT, expect=MANAGERS, action=MANAGE, targets=_paper, methods=POST
    ),
    "api-families-consent-text": Route(LOGIN),
    "api-families-children": Route(LOGIN),
    "api-families-directives": Route(
        LOGIN, action="families.directive.view", list_model="offices.Directive"
    ),
    "api-families-consent": Route(
        OBJECT, expect=NOBODY, action=CHILD, targets=_student, methods=POST
    ),
    "api-families-withdraw": Route(
        OBJECT, expect=NOBODY, action=CHILD, targets=_student, methods=POST
    ),
    "api-families-class-consents": Route(
        OBJECT,
        expect=LISTERS,
        action="families.consent.list",
        targets=by_pk(demo.school_class),
    ),
    "api-families-class-contacts": _class(("GET", "POST")),
    "api-families-invite": _class(POST),
    "api-families-codes": _class(POST),
    "api-families-paper-consent": _class(POST),
}
