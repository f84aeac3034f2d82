"""`manage.py compute_grades YYYY`: every enterprise's annual grade for the year (exit 0; 2 for a bad year; 1 when refused)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from liangpai.core.commands import parse_year_argument
from liangpai.core.errors import PeriodError, ServiceError
from liangpai.periods.grading import BASE_GRADE_SOURCES, UNGRADED, compute_grades
from liangpai.rules.ruleset import Grade


class Command(BaseCommand):
    help = (
        "计算年度等级：按评估、否决项和本年度各季度亮灯（降级规则）计算每家在营企业的等级；可重复运行，结果不变。"
        " / Compute every active enterprise's annual grade from its assessment, veto items and the year's"
        " quarterly lights (downgrade rule); running it again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", help="年度，如 2026 / the year, e.g. 2026")

    def handle(self, *args: Any, **options: Any) -> None:
        year = parse_year_argument(options["year"])
        try:
            outcome = compute_grades(year=year, sources=BASE_GRADE_SOURCES)
        except PeriodError as exc:
            raise CommandError(exc.message, returncode=2) from exc
        except ServiceError as exc:
            raise CommandError(exc.message, returncode=1) from exc
        self.stdout.write(
            _("%(year)s 年度等级（规则集 %(version)s）：共 %(total)s 家。")
            % {"year": outcome.year, "version": outcome.ruleset_version, "total": outcome.total}
        )
        parts = [f"{grade.value} {outcome.grades.get(grade.value, 0)}" for grade in Grade]
        parts.append(_("未评级 %(count)s") % {"count": outcome.grades.get(UNGRADED, 0)})
        self.stdout.write("，".join(parts))
        self.stdout.write(
            self.style.SUCCESS(
                _("新增 %(created)s 条，更新 %(updated)s 条，无变化 %(unchanged)s 条，保留历史导入 %(kept)s 条。")
                % {
                    "created": outcome.created,
                    "updated": outcome.updated,
                    "unchanged": outcome.unchanged,
                    "kept": outcome.kept,
                }
            )
        )
