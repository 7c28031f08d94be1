"""Signing chains as data. Every record type ships a default chain (the catalogue, from the
circulars); a Sở sets its own for the units below it and may let the Phòng, or the Phòng and
the schools, set theirs (`Delegation`). The chain a record follows is resolved when it is
submitted and copied into its workflow, so a change applies to records submitted afterwards.

A step is {"role": R, "action": A}, with "user": id when the chain names one person acting in
role R (a named PHT, a named tổ trưởng). Only the unit that keeps the records names people:
naming a school's PHT for every school of a province would mean nothing. A step with
"together": true runs with the step before it (one stage: two tổ trưởng, or the PHT and the
tổ trưởng, each doing the same act in any order); the next stage starts when all are done.
The role "GVCN" (HOMEROOM_TEACHER) is the giáo viên chủ nhiệm of the record's class, found for
each record; the role "GVBM" (SUBJECT_TEACHERS) is every subject teacher of the class, each
signing their own subjects (hoso.records.subjects), a step of many signers. Only types whose
records belong to a class may use them: homeroom books, and the class books whose catalogue
chain already names one of them (the score book, the bảng tổng hợp)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from hoso.core.errors import DomainError
from hoso.org.models import Role, RoleAssignment, Unit, UnitKind
from hoso.org.years import current_year
from hoso.records.models import (
    AUTHOR,
    CLASS_ROLES,
    HOMEROOM_TEACHER,
    HOMEROOM_TEACHER_LABEL,
    SUBJECT_TEACHERS,
    SUBJECT_TEACHERS_LABEL,
    ChainSetting,
    Delegation,
    Keeper,
    Record,
    RecordType,
    StepAction,
)

MAX_STEPS = 8
SCHOOL_STEP_ROLES: tuple[str, ...] = (AUTHOR, Role.TTCM, Role.PHT, Role.HT, Role.VT)
OFFICE_STEP_ROLES: tuple[str, ...] = (AUTHOR, Role.CV_PHONG, Role.CV_SO, Role.PTP, Role.TP)
OFFICE_STEP_ROLES += (Role.PGD, Role.GD, Role.VT_CQ)
SEAL_ROLES = frozenset({Role.VT, Role.VT_CQ})
SETTING_KINDS = (UnitKind.SO, UnitKind.PHONG, UnitKind.TRUONG)


@dataclass(frozen=True)
class Resolved:
    """The chain that applies at a unit, the setting it comes from (None: the catalogue's
    default) and who below may still set their own."""

    chain: list[dict[str, Any]]
    source: ChainSetting | None
    delegation: str


def step_roles(record_type: RecordType) -> tuple[str, ...]:
    if record_type.keeper == Keeper.OFFICE:
        return OFFICE_STEP_ROLES
    if has_class(record_type):
        class_roles = (SUBJECT_TEACHERS, HOMEROOM_TEACHER)
        return (*SCHOOL_STEP_ROLES[:1], *class_roles, *SCHOOL_STEP_ROLES[1:])
    return SCHOOL_STEP_ROLES


def has_class(record_type: RecordType) -> bool:
    """Records of the type belong to one class, so they have a GVCN and subject teachers: a
    homeroom book, or a class book whose catalogue chain names the class's teachers."""
    if record_type.keeper == Keeper.HOMEROOM:
        return True
    return uses_class_roles(record_type.signing_chain)


def uses_class_roles(chain: list[dict[str, Any]]) -> bool:
    """Some step is performed by the record's class's GVCN or subject teachers."""
    return any(step.get("role") in CLASS_ROLES for step in chain)


def role_label(role: str) -> str:
    """Who performs a step, in words: "Người lập hồ sơ", "Giáo viên chủ nhiệm của lớp"…"""
    if role == AUTHOR:
        return _("Người lập hồ sơ")
    if role == HOMEROOM_TEACHER:
        return str(HOMEROOM_TEACHER_LABEL)
    if role == SUBJECT_TEACHERS:
        return str(SUBJECT_TEACHERS_LABEL)
    return str(dict(Role.choices).get(role, role))


def signature_field(role: str, part: str = "") -> str:
    """The empty signature field a generated document may carry for a step ("HT", "GVCN",
    "GVBM-toan" for the subject teacher of Toán): the step's signature fills it, so the
    signature lands in the block the form prints for that signer."""
    return f"{role}-{part}" if part else role


# --- which chain applies ---------------------------------------------------------------------


def _level_may_set(unit: Unit, record_type: RecordType, delegation: str) -> bool:
    if unit.kind == UnitKind.SO or unit.pk == record_type.owner_unit_id:
        return True
    if unit.kind == UnitKind.PHONG:
        return delegation in (Delegation.PHONG, Delegation.TRUONG)
    return unit.kind == UnitKind.TRUONG and delegation == Delegation.TRUONG


def _loaded(type_ids: list[int], unit_ids: list[int]) -> dict[tuple[int, int], ChainSetting]:
    found = ChainSetting.objects.filter(record_type_id__in=type_ids, unit_id__in=unit_ids)
    return {(s.record_type_id, s.unit_id): s for s in found.select_related("unit")}


def _walk(
    record_type: RecordType,
    unit_ids: list[int],
    settings: dict[tuple[int, int], ChainSetting] | None = None,
) -> Resolved:
    if settings is None:
        settings = _loaded([record_type.pk], unit_ids)
    resolved = Resolved(list(record_type.signing_chain), None, Delegation.NONE)
    for unit_id in unit_ids:  # from the root down
        setting = settings.get((record_type.pk, unit_id))
        if setting is not None and _level_may_set(setting.unit, record_type, resolved.delegation):
            resolved = Resolved(list(setting.chain), setting, setting.delegate_to)
    return resolved


def overview(types: list[RecordType], unit: Unit) -> list[tuple[RecordType, Resolved, bool]]:
    """For each type: the chain at `unit` and whether `unit` may set its own (one query)."""
    unit_ids = unit.ancestor_ids()
    settings = _loaded([t.pk for t in types], unit_ids)
    rows = []
    for record_type in types:
        above = _walk(record_type, unit_ids[:-1], settings)
        may_set = _may_set(record_type, unit, above)
        rows.append((record_type, _walk(record_type, unit_ids, settings), may_set))
    return rows


def resolve(record_type: RecordType, unit: Unit) -> Resolved:
    """The chain that applies to records of `record_type` kept at or below `unit`."""
    return _walk(record_type, unit.ancestor_ids())


def chain_for_record(record: Record) -> list[dict[str, Any]]:
    """The chain `record` would follow if submitted now (its school's, or its office's)."""
    return for_unit(resolve(record.record_type, record.school).chain, record.unit)


def for_unit(chain: list[dict[str, Any]], unit: Unit) -> list[dict[str, Any]]:
    """The chain of a record kept at `unit`: the steps of a class's teachers (GVCN, subject
    teachers) only when it is a class; a record of the type kept for the whole school (a
    school-wide bảng tổng hợp uploaded by the văn thư) goes through the other steps."""
    if unit.kind == UnitKind.LOP or not uses_class_roles(chain):
        return chain
    kept = [dict(step) for step in chain if step.get("role") not in CLASS_ROLES]
    if kept and kept[0].get("together"):  # its stage's first step was the class's teacher
        del kept[0]["together"]
    return kept


def chain_above(record_type: RecordType, unit: Unit) -> Resolved:
    """What applies at `unit` when it sets nothing itself."""
    return _walk(record_type, unit.ancestor_ids()[:-1])


def may_set_at(record_type: RecordType, unit: Unit) -> bool:
    """The units above `unit` allow it to set its own chain for `record_type`."""
    return _may_set(record_type, unit, chain_above(record_type, unit))


def _may_set(record_type: RecordType, unit: Unit, above: Resolved) -> bool:
    if unit.kind not in SETTING_KINDS:
        return False
    if record_type.keeper == Keeper.OFFICE and unit.kind == UnitKind.TRUONG:
        return False
    return _level_may_set(unit, record_type, above.delegation)


def stage_of(chain: list[dict[str, Any]], start: int) -> list[int]:
    """The indices of the stage starting at `start`: it and the "together" steps after it."""
    if start >= len(chain):
        return []
    end = start + 1
    while end < len(chain) and chain[end].get("together"):
        end += 1
    return list(range(start, end))


def stages(chain: list[dict[str, Any]]) -> list[list[int]]:
    """The chain's stages in order, each a list of step indices."""
    found: list[list[int]] = []
    while sum(len(stage) for stage in found) < len(chain):
        found.append(stage_of(chain, sum(len(stage) for stage in found)))
    return found


def author_signs(chain: list[dict[str, Any]]) -> bool:
    """The chain starts with the author's own signature: submitting is "Ký và trình"."""
    first = chain[0] if chain else {}
    return first.get("role") == AUTHOR and first.get("action") == StepAction.SIGN


def signs(chain: list[dict[str, Any]]) -> bool:
    """Some step signs or seals: a record issued by a review-only chain is unsigned."""
    return any(step.get("action") != StepAction.REVIEW for step in chain)


# --- what a valid chain is -------------------------------------------------------------------


def clean_chain(raw: Any, *, record_type: RecordType, unit: Unit) -> list[dict[str, Any]]:
    """The steps as stored, or DomainError naming every wrong step in Vietnamese."""
    if not isinstance(raw, list) or not raw:
        _refuse([_("Chuỗi phải có ít nhất một bước.")])
    if len(raw) > MAX_STEPS:
        _refuse([_("Chuỗi có tối đa %(max_steps)s bước.") % {"max_steps": MAX_STEPS}])
    errors: list[str] = []
    steps: list[dict[str, Any]] = []
    for number, item in enumerate(raw, start=1):
        step, problems = _clean_step(number, item, record_type, unit)
        errors += problems
        if step is not None:
            steps.append(step)
    errors += _order_problems(steps)
    if errors:
        _refuse(errors)
    return steps


def _refuse(errors: list[str]) -> None:
    raise DomainError(
        _("Chuỗi duyệt, ký chưa hợp lệ: %(errors)s") % {"errors": " ".join(errors)},
        fields={"chain": errors},
    )


def _clean_step(
    number: int, item: Any, record_type: RecordType, unit: Unit
) -> tuple[dict[str, Any] | None, list[str]]:
    if not isinstance(item, dict):
        return None, [_("Bước %(number)s: không đọc được.") % {"number": number}]
    role, action = str(item.get("role") or ""), str(item.get("action") or "")
    problems = []
    if action not in StepAction.values:
        problems.append(
            _("Bước %(number)s: hãy chọn việc (ký số, ký duyệt, duyệt hoặc đóng dấu).")
            % {"number": number}
        )
    if role in CLASS_ROLES and not has_class(record_type):
        problems.append(
            _(
                "Bước %(number)s: hồ sơ “%(name)s” không thuộc một lớp nên không có "
                "%(role_label)s; hãy chọn người thực hiện khác."
            )
            % {"number": number, "name": record_type.name, "role_label": role_label(role).lower()}
        )
    elif role not in step_roles(record_type):
        problems.append(
            _("Bước %(number)s: hãy chọn người thực hiện phù hợp với loại hồ sơ.")
            % {"number": number}
        )
    if (action == StepAction.SEAL) != (role in SEAL_ROLES) and not problems:
        problems.append(
            _("Bước %(number)s: chỉ văn thư đóng dấu, và văn thư chỉ đóng dấu.")
            % {"number": number}
        )
    if role == AUTHOR and action != StepAction.SIGN and not problems:
        problems.append(
            _("Bước %(number)s: người lập chỉ ký hồ sơ của mình, không tự duyệt.")
            % {"number": number}
        )
    if role == HOMEROOM_TEACHER and action != StepAction.SIGN and not problems:
        # Only a class's GVCN keeps its book: a GVCN approval would be an approval of their own.
        problems.append(
            _(
                "Bước %(number)s: giáo viên chủ nhiệm là người lập sổ của lớp nên chỉ ký số, "
                "không duyệt hay ký duyệt."
            )
            % {"number": number}
        )
    if role == SUBJECT_TEACHERS and action != StepAction.SIGN and not problems:
        problems.append(
            _(
                "Bước %(number)s: giáo viên bộ môn ký phần môn học của mình (ký số), không duyệt "
                "hay ký duyệt."
            )
            % {"number": number}
        )
    step: dict[str, Any] = {"role": role, "action": action}
    if item.get("together") in (True, 1, "1", "true", "on"):
        step["together"] = True
    user = item.get("user")
    if user not in (None, "") and not problems:
        person, problem = _named_person(number, user, role, record_type, unit)
        if problem:
            problems.append(problem)
        else:
            step["user"] = person
    return step, problems


def _order_problems(steps: list[dict[str, Any]]) -> list[str]:
    problems = []
    for index, step in enumerate(steps):
        if step["role"] == AUTHOR and index > 0:
            problems.append(_("Người lập ký ở bước đầu tiên (Ký và trình), không ở giữa chuỗi."))
        if step["action"] == StepAction.SEAL and index != len(steps) - 1:
            problems.append(_("Đóng dấu phải là bước cuối cùng."))
        if index and step.get("together"):
            problems += _together_problems(steps, index)
        elif index and step == steps[index - 1]:
            problems.append(_("Bước %(number)s trùng với bước ngay trước.") % {"number": index + 1})
    if steps and steps[0].get("together"):
        problems.append(_("Bước 1 không có bước nào trước nó để thực hiện cùng lúc."))
    return problems


def _together_problems(steps: list[dict[str, Any]], index: int) -> list[str]:
    """A step run together with the one before: same act, not the author, not the seal, and
    not the same people twice in one stage."""
    step, number = steps[index], index + 1
    stage_start = index
    while stage_start > 0 and steps[stage_start].get("together"):
        stage_start -= 1
    first = steps[stage_start]
    problems = []
    if step["action"] != first["action"]:
        problems.append(
            _("Bước %(number)s: các bước cùng lúc phải cùng một việc (cùng ký duyệt…).")
            % {"number": number}
        )
    if StepAction.SEAL in (step["action"], first["action"]) or AUTHOR in (
        step["role"],
        first["role"],
    ):
        problems.append(
            _("Bước %(number)s: người lập ký và đóng dấu không thực hiện cùng lúc.")
            % {"number": number}
        )
    if SUBJECT_TEACHERS in (step["role"], first["role"]):  # a stage of its own, many signers
        problems.append(
            _("Bước %(number)s: giáo viên bộ môn ký thành một bước riêng.") % {"number": number}
        )
    if any(_who(other) == _who(step) for other in steps[stage_start:index]):
        problems.append(
            _("Bước %(number)s: cùng người thực hiện với một bước cùng lúc khác.")
            % {"number": number}
        )
    return problems


def _who(step: dict[str, Any]) -> tuple[str, Any]:
    return step["role"], step.get("user")


def keeps_records(record_type: RecordType, unit: Unit) -> bool:
    """`unit` is where records of the type are kept (a school; the office for office types)."""
    if record_type.keeper == Keeper.OFFICE:
        return unit.kind in (UnitKind.PHONG, UnitKind.SO)
    return unit.kind == UnitKind.TRUONG


def _named_person(
    number: int, user: Any, role: str, record_type: RecordType, unit: Unit
) -> tuple[int, str]:
    if role == AUTHOR:
        return 0, _("Bước %(number)s: người lập là chính người trình, không chọn đích danh.") % {
            "number": number
        }
    if role in CLASS_ROLES:
        who = _("giáo viên chủ nhiệm") if role == HOMEROOM_TEACHER else _("giáo viên bộ môn")
        return 0, (
            _(
                "Bước %(number)s: %(who)s được xác định theo lớp của từng hồ sơ, không chọn đích "
                "danh."
            )
            % {"number": number, "who": who}
        )
    if not keeps_records(record_type, unit):
        return 0, (
            _(
                "Bước %(number)s: chỉ chọn đích danh người thực hiện khi thiết lập cho chính đơn "
                "vị lưu hồ sơ (một trường, hoặc Phòng/Sở với hồ sơ của cơ quan)."
            )
            % {"number": number}
        )
    try:
        person_id = int(user)
    except (TypeError, ValueError):
        return 0, _("Bước %(number)s: người được chọn không có ở đơn vị này.") % {"number": number}
    if person_id not in dict(people_for_role(unit, role)):
        return 0, _("Bước %(number)s: người được chọn không giữ vai trò này ở đơn vị.") % {
            "number": number
        }
    return person_id, ""


def people_for_role(unit: Unit, role: str) -> list[tuple[int, str]]:
    """(id, name) of who holds `role` in `unit` or below it this school year."""
    year = current_year()
    if year is None:
        return []
    ids = (
        RoleAssignment.objects.filter(role=role, unit__path__startswith=unit.path, school_year=year)
        .values_list("user_id", flat=True)
        .distinct()
    )
    users = get_user_model().objects.filter(pk__in=list(ids), is_active=True).order_by("last_name")
    return [(u.pk, u.get_full_name() or u.get_username()) for u in users]


# --- in words ----------------------------------------------------------------------------------


def describe(chain: list[dict[str, Any]], names: dict[int, str] | None = None) -> list[str]:
    """Each stage in plain Vietnamese: "Người lập ký", "Tổ trưởng chuyên môn ký duyệt",
    "Tổ trưởng chuyên môn và Phó hiệu trưởng cùng ký duyệt" for steps that run together."""
    actions = {str(a.value): str(a.label).lower() for a in StepAction}
    words = []
    for stage in stages(chain):
        first = chain[stage[0]]
        if first.get("role") == AUTHOR:
            words.append(_("Người lập ký"))
            continue
        who = _(" và ").join(_person_words(chain[index], names) for index in stage)
        together = _("cùng ") if len(stage) > 1 else ""
        words.append(f"{who} {together}{actions.get(str(first.get('action')), '')}".strip())
    return words


def _person_words(step: dict[str, Any], names: dict[int, str] | None) -> str:
    who = role_label(str(step.get("role")))
    if step.get("user") and names and step["user"] in names:
        who = f"{names[step['user']]} ({who.lower()})"
    return who
