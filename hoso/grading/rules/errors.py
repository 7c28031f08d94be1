"""Errors raised by the grading rules, each with a Vietnamese message.

Message templates are marked with ``gettext_noop`` so ``makemessages`` collects them; the face
that shows an error may translate ``template`` and format it with ``params``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType

from hoso.grading.rules.i18n import gettext_noop


class GradingRuleError(ValueError):
    """A value or a set of values that the rules refuse."""

    code: str = "grading_rule"

    def __init__(self, template: str, **params: object) -> None:
        self.template = template
        self.params: Mapping[str, object] = MappingProxyType(dict(params))
        self.message = template.format(**params)
        super().__init__(self.message)


class InvalidScoreError(GradingRuleError):
    code = "invalid_score"


class InvalidLevelError(GradingRuleError):
    code = "invalid_level"


class UnknownSubjectError(GradingRuleError):
    code = "unknown_subject"


class NoPeriodicTestError(GradingRuleError):
    code = "no_periodic_test"


class MissingAssessmentsError(GradingRuleError):
    """Required assessments are missing; ``missing`` lists them in Vietnamese."""

    code = "missing_assessments"

    def __init__(self, missing: Sequence[str]) -> None:
        self.missing = tuple(missing)
        super().__init__(
            gettext_noop("Chưa đủ đánh giá để tính kết quả, còn thiếu: {missing}."),
            missing="; ".join(self.missing),
        )
