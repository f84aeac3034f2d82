"""The ruleset: every configurable number of the program (rules R-RULESET-1, R-RULESET-2).

MISSION.md marks these as configuration: another city, or next year's rules, changes
them without a release. The database keeps one ruleset per year, and every stored
result names the `version` it was computed with; this module only defines the values,
their defaults and what makes a set of them consistent.

The grade scale itself (A > B > C > D) is fixed by the program and lives here too,
because the bands and the downgrade floor are expressed in it.
"""

from dataclasses import dataclass, field, fields
from decimal import Decimal
from enum import StrEnum


class Grade(StrEnum):
    """R-GRADE-1: the annual grade (分级亮牌), from A (best) to D.

    Compare grades by `rank`, not with < and >: being a str, a Grade would compare as
    text, which reads backwards (A < B).

    Not being graded (未评级) is not a grade: it is `None` wherever a grade may be missing.
    """

    A = "A"
    B = "B"
    C = "C"
    D = "D"

    @property
    def rank(self) -> int:
        """R-GRADE-1: 0 for A … 3 for D, the number of levels below the best grade."""
        return _ORDER.index(self)

    def lowered(self, levels: int, floor: "Grade") -> "Grade":
        """R-DOWNGRADE-3: this grade `levels` levels down, never below `floor`.

        A grade already at or below the floor stays where it is: a floor limits a
        downgrade, it never raises a grade.
        """
        if self.rank >= floor.rank:
            return self
        return _ORDER[min(self.rank + levels, floor.rank)]


_ORDER = (Grade.A, Grade.B, Grade.C, Grade.D)


@dataclass(frozen=True)
class LightThresholds:
    """R-LIGHT-2 … R-LIGHT-7: how many of each fact in a quarter turn its light red or yellow.

    A count at or above its threshold triggers the light. `red_on_refusal` makes a
    refused inspection or a refused letter red.
    """

    red_major_hazards: int = 1
    red_accidents: int = 1
    red_on_refusal: bool = True
    yellow_general_hazards_not_fixed_on_spot: int = 1
    yellow_overdue_letters: int = 1
    yellow_overdue_hazard_reports: int = 1


@dataclass(frozen=True)
class Ruleset:
    """R-RULESET-1: the program's configuration, with MISSION.md's defaults.

    Grade bands are minimum scores on the normalised 0–100 scale: a score at or above
    `minimum_a` is A, at or above `minimum_b` is B, at or above `minimum_c` is C, any
    lower score is D. Downgrade counts are per calendar year. Deadlines are in working
    days (R-WORKDAY-2).
    """

    version: str = "default"
    minimum_a: Decimal = Decimal(90)
    minimum_b: Decimal = Decimal(80)
    minimum_c: Decimal = Decimal(60)
    downgrade_reds: int = 1
    downgrade_yellows: int = 2
    downgrade_stacking: bool = False
    downgrade_floor: Grade = Grade.D
    interview_deadline_working_days: int = 10
    letter_reply_working_days: int = 15
    lights: LightThresholds = field(default_factory=LightThresholds)
    plaque_changes_mid_year: bool = False

    @property
    def bands(self) -> tuple[tuple[Grade, Decimal], ...]:
        """R-GRADE-1: (grade, minimum score) from the best grade down; D has no minimum."""
        return ((Grade.A, self.minimum_a), (Grade.B, self.minimum_b), (Grade.C, self.minimum_c))


DEFAULT_RULESET = Ruleset()

# Deadlines longer than this many working days (about a quarter) are taken as typing mistakes.
MAX_DEADLINE_WORKING_DAYS = 60


@dataclass(frozen=True)
class RulesetError:
    """Why a ruleset is inconsistent: a stable code, the setting at fault, and the values a message needs."""

    code: str
    setting: str
    params: dict[str, str | int] = field(default_factory=dict, hash=False)


_LIGHT_COUNTS = tuple(f.name for f in fields(LightThresholds) if f.name != "red_on_refusal")


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def validate(ruleset: Ruleset) -> tuple[RulesetError, ...]:
    """R-RULESET-2: every inconsistency in `ruleset`, in field order; empty when it is usable.

    Codes: "version_empty"; "band_not_a_number" (a band that is not a finite Decimal),
    "band_out_of_range" (not in 0 < minimum ≤ 100), "bands_not_descending"; "count_too_small"
    (a downgrade count or light threshold below 1); "deadline_out_of_range" (not 1–60
    working days); "not_a_grade" (the floor); "not_a_flag" (a setting that is not a bool).
    """
    errors: list[RulesetError] = []
    if not isinstance(ruleset.version, str) or not ruleset.version.strip():
        errors.append(RulesetError("version_empty", "version"))

    band_values: list[Decimal] = []
    for name in ("minimum_a", "minimum_b", "minimum_c"):
        value = getattr(ruleset, name)
        if not isinstance(value, Decimal) or not value.is_finite():
            errors.append(RulesetError("band_not_a_number", name, {"value": str(value)}))
        elif not Decimal(0) < value <= Decimal(100):
            errors.append(RulesetError("band_out_of_range", name, {"value": str(value)}))
        else:
            band_values.append(value)
    if len(band_values) == 3 and not band_values[0] > band_values[1] > band_values[2]:
        errors.append(RulesetError("bands_not_descending", "minimum_b", {"values": ", ".join(map(str, band_values))}))

    for name in ("downgrade_reds", "downgrade_yellows"):
        value = getattr(ruleset, name)
        if not _is_count(value) or value < 1:
            errors.append(RulesetError("count_too_small", name, {"value": str(value)}))
    if not isinstance(ruleset.downgrade_floor, Grade):
        errors.append(RulesetError("not_a_grade", "downgrade_floor", {"value": str(ruleset.downgrade_floor)}))

    for name in ("interview_deadline_working_days", "letter_reply_working_days"):
        value = getattr(ruleset, name)
        if not _is_count(value) or not 1 <= value <= MAX_DEADLINE_WORKING_DAYS:
            errors.append(
                RulesetError("deadline_out_of_range", name, {"value": str(value), "max": MAX_DEADLINE_WORKING_DAYS})
            )

    for name in _LIGHT_COUNTS:
        value = getattr(ruleset.lights, name)
        if not _is_count(value) or value < 1:
            errors.append(RulesetError("count_too_small", f"lights.{name}", {"value": str(value)}))

    for name in ("downgrade_stacking", "plaque_changes_mid_year", "lights.red_on_refusal"):
        owner = ruleset.lights if name.startswith("lights.") else ruleset
        value = getattr(owner, name.removeprefix("lights."))
        if not isinstance(value, bool):
            errors.append(RulesetError("not_a_flag", name, {"value": str(value)}))
    return tuple(errors)


def is_valid(ruleset: Ruleset) -> bool:
    """R-RULESET-2: whether `validate` finds nothing wrong."""
    return not validate(ruleset)
