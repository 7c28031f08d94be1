"""The every-URL test's oracle: who should get in, written down as data, never asked of the
policy. A wrong rule in `hoso.policy` then shows up as a difference between this table and the
HTTP answer, instead of passing because the test asked the same wrong rule.

The accounts are the demo ones the test walks as (demo.ROLES). Scopes are seen from the
reference teacher th1.giaovien1 (demo.py): "own" is his object (or his school's first one),
"same_school" a colleague's at th1, "other_school" thcs1's (the same Phòng, phong1), and
"other_district" th2's (under phong2, so only the Sở and the administrator are above it).

Each route says, per scope, the accounts for whom the route answers (200/301/302: `expect`) and
the accounts who may at least see the object (`sees`, defaults to `expect`): they get 403 or 404
when refused; everyone else must get 404, the same as for a missing object.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass

GV = "th1.giaovien1"  # the reference teacher: teaches th1's first class, its GVCN
TTCM = "th1.totruong"  # tổ trưởng at th1
PHT = "th1.phohieutruong"
HT = "th1.hieutruong"
VT = "th1.vanthu"  # clerk (văn thư)
TV = "th1.thuthu"  # librarian (thủ thư)
PHONG = "phong1.chuyenvien"  # specialist of th1's and thcs1's Phòng, not th2's
SO = "so.chuyenvien"  # specialist of the Sở, above every school
ADMIN = "admin"  # QTHT, the system administrator

NONE: frozenset[str] = frozenset()
TH1_STAFF = frozenset({GV, TTCM, PHT, HT, VT, TV})
# The principal and deputy: lead the school (assignments, extensions, publishing results).
LEADERS_TH1 = frozenset({HT, PHT})
# Those who read everything of their school (docs/records.md): the leaders and the clerk.
READERS_TH1 = LEADERS_TH1 | {VT}
OFFICES = frozenset({PHONG, SO})
EVERY_STAFF = TH1_STAFF | OFFICES | {ADMIN}
SCOPES = ("own", "same_school", "other_school", "other_district")


@dataclass(frozen=True)
class Scopes:
    """Accounts per scope (own / same school / other school / other district)."""

    own: AbstractSet[str] = NONE
    same_school: AbstractSet[str] = NONE
    other_school: AbstractSet[str] = NONE
    other_district: AbstractSet[str] = NONE

    def __getitem__(self, scope: str) -> AbstractSet[str]:
        assert scope in SCOPES, scope
        found: AbstractSet[str] = getattr(self, scope)
        return found


def th1_and_above(
    people: AbstractSet[str],
    *,
    same: AbstractSet[str] | None = None,
    offices: bool = True,
    admin: bool = True,
) -> Scopes:
    """A school's object: `people` of th1 (`same` for the colleague's object, when it differs),
    plus, when `offices`, the Phòng above th1 and thcs1 and the Sở above every school, plus the
    administrator when `admin`. Nobody of th1 reaches thcs1's or th2's objects."""
    above_phong1 = (OFFICES if offices else NONE) | ({ADMIN} if admin else NONE)
    above_phong2 = ({SO} if offices else NONE) | ({ADMIN} if admin else NONE)
    return Scopes(
        own=frozenset(people) | above_phong1,
        same_school=frozenset(people if same is None else same) | above_phong1,
        other_school=above_phong1,
        other_district=above_phong2,
    )


def everywhere(people: AbstractSet[str]) -> Scopes:
    """The same object in every scope (a Sở provider, the Sở's record type, one inspection)."""
    people = frozenset(people)
    return Scopes(people, people, people, people)


NOBODY = Scopes()
# Objects of the offices (directives, Excel requests): the Phòng of th1 for its own, the Sở,
# the administrator; schools see only their inbox rows.
OFFICES_ABOVE = th1_and_above(NONE)
# A record (and a school's people, pupils, library catalogue): its owner and every colleague of
# the school (a colleague's record once published; the leaders and the clerk from submission),
# the Phòng and Sở above, the administrator.
SCHOOL_WIDE = th1_and_above(TH1_STAFF)
# A class (gradebook, học bạ, books): its GVCN and teachers (GV: th1's first class only;
# TTCM teaches in both), the school's readers, the offices above (read only), the administrator.
CLASS_READERS = th1_and_above(READERS_TH1 | {GV, TTCM}, same=READERS_TH1 | {TTCM})
# School-level oversight (completion, deadlines, Excel answers): readers and offices above.
SCHOOL_READERS = th1_and_above(READERS_TH1)
# School management without the offices: the leaders and the administrator.
LEADERS_ONLY = th1_and_above(LEADERS_TH1, offices=False)
# The library's desk (loans, cataloguing, stock-takes): the librarian and the administrator.
LIBRARIAN = th1_and_above({TV}, offices=False)
# The principal's alone (retention decisions): not even the administrator.
PRINCIPAL_ALONE = th1_and_above({HT}, offices=False, admin=False)
# The school's answer to the offices (inbox rows): the readers of the school, nobody above.
SCHOOL_INBOX = th1_and_above(READERS_TH1, offices=False, admin=False)
# Only the reference teacher, on his own object (his draft, his remote-signing request, the
# sheet he teaches in th1's first class).
GV_OWN_ONLY = Scopes(own=frozenset({GV}))
