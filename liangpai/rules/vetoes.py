"""The veto items of the annual assessment (R-GRADE-3): any one of them failed makes the grade D.

A checklist item marked as a veto names one of these keys; a stored grade lists the keys of
the vetoes that failed, and is explained with their names.
"""

from typing import Final

VETO_FATAL_ACCIDENT: Final = "fatal_accident"
VETO_INSPECTION_REFUSED: Final = "inspection_refused"
VETO_MAJOR_HAZARD_OVERDUE: Final = "major_hazard_overdue"

#: The name a failed veto item is explained with, by its key (stored data: not translated).
VETO_NAMES: Final[dict[str, str]] = {
    VETO_FATAL_ACCIDENT: "发生生产安全死亡事故",
    VETO_INSPECTION_REFUSED: "拒绝、阻挠工会监督检查",
    VETO_MAJOR_HAZARD_OVERDUE: "重大事故隐患逾期未整改",
}
VETO_KEYS: Final = tuple(VETO_NAMES)
