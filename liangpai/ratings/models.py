"""The models stored under the `ratings` label, named here so that Django finds them with their app.

Each is defined in its own app (see apps.py); this module only imports them, so that the
label's migrations, content types and permissions cover them as they always have.
"""

from liangpai.grades.models import AnnualGrade, GradeInput
from liangpai.interviews.models import WarningInterview
from liangpai.lights.models import InspectionResult, QuarterLight
from liangpai.publication.models import Publication
from liangpai.rulesets.models import CalendarOverride, RulesetVersion

__all__ = [
    "AnnualGrade",
    "CalendarOverride",
    "GradeInput",
    "InspectionResult",
    "Publication",
    "QuarterLight",
    "RulesetVersion",
    "WarningInterview",
]
